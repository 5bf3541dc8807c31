"""Money in integer pence: parsing what people type, showing pounds, and VAT.

Every amount is stored as an integer number of pence, never a float. VAT is worked out per
invoice line and rounded to the nearest penny, a half penny up (away from zero for a credit
line). HMRC's VAT guide (VAT Notice 700, on rounding the VAT on invoices) allows working the
VAT out line by line and rounding each line to the nearest penny; the invoice's VAT is then the
sum of its lines' VAT (a whole number of pence, so no rounding of the total is needed), and the
invoice's totals always equal the sum of its lines. docs/operators.md says the same to admins.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# A rate in basis points: 2000 is 20 %.
BASIS_POINTS = 10_000


def parse_pounds(text: str) -> int:
    """Pence from what a person typed as pounds ("1,500", "£1500.00", "600"). Raises
    ValueError with a sentence for anything else: negative, not a number, or fractions of a
    penny."""
    cleaned = text.strip().replace(",", "").replace("£", "").replace(" ", "")
    if not cleaned:
        raise ValueError("Enter an amount in pounds, for example 1500 or 1,500.00.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("Enter an amount in pounds, for example 1500 or 1,500.00.") from None
    if not amount.is_finite():
        raise ValueError("Enter an amount in pounds, for example 1500 or 1,500.00.")
    if amount < 0:
        raise ValueError("An amount cannot be negative.")
    pence = amount * 100
    if pence != pence.to_integral_value():
        raise ValueError("An amount cannot have fractions of a penny.")
    if pence > 100_000_000_00:
        raise ValueError("That is more than £100 million: check the amount.")
    return int(pence)


def pounds(pence: int) -> str:
    """£1,500.00; a negative amount as -£15.00."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def pounds_plain(pence: int) -> str:
    """1500.00: for forms and CSV (no symbol, no thousands separator)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def line_vat(net_pence: int, rate_bp: int) -> int:
    """The VAT of one line, to the nearest penny, a half penny away from zero."""
    vat = (Decimal(net_pence) * rate_bp / BASIS_POINTS).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(vat)


def rate_label(rate_bp: int) -> str:
    """20 %, 5 %, 17.5 %."""
    value = Decimal(rate_bp) / 100
    return f"{value.normalize():f}%"
