"""Queued emails about fees, and the daily reminders (renewals, overdue invoices).

Tasks take ids and read fresh rows. Nothing confidential goes to anyone but its owner: a
bursary's text and amounts only ever reach the applicant; the admins are told only that an
application is waiting."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from peerpower.accounts.models import User
from peerpower.fees.models import Bursary, Invoice, Sponsor
from peerpower.lib.email import Attachment, send_templated_email
from peerpower.networks.models import NetworkRole


def _admins(network_id: int) -> list[User]:
    return list(
        User.objects.filter(
            network_roles__network_id=network_id,
            network_roles__role=NetworkRole.Role.ADMIN,
            is_active=True,
        ).distinct()
    )


@db_task()
def send_invoice(*, invoice_id: int) -> None:
    """Email an issued invoice or credit note, with its PDF, to the payer's finance contact."""
    from peerpower.fees.pdf import filename, invoice_pdf  # noqa: PLC0415 - pdf loads pango

    invoice = Invoice.objects.select_related("network").filter(pk=invoice_id).first()
    if invoice is None or not invoice.buyer_email or invoice.emailed_at is not None:
        return
    send_templated_email(
        to=invoice.buyer_email,
        template_prefix="fees/email/invoice",
        context={
            "invoice": invoice,
            "url": settings.SITE_URL + reverse("fees:invoice", args=[invoice.pk]),
        },
        attachments=[Attachment(filename(invoice), invoice_pdf(invoice), "application/pdf")],
    )
    invoice.emailed_at = timezone.now()
    invoice.save(update_fields=["emailed_at"])


@db_task()
def send_bursary_received(*, bursary_id: int) -> None:
    """Tell the network's admins an application is waiting: no name, no text, no amount."""
    bursary = Bursary.objects.select_related("network").filter(pk=bursary_id).first()
    if bursary is None:
        return
    url = settings.SITE_URL + reverse("fees:bursaries", args=[bursary.network.slug])
    for admin in _admins(bursary.network_id):
        with timezone.override(admin.time_zone):
            send_templated_email(
                to=admin.email,
                template_prefix="fees/email/bursary_received",
                context={"network": bursary.network, "url": url},
            )


@db_task()
def send_bursary_decision(*, bursary_id: int) -> None:
    """The decision and its reason, to the applicant only."""
    bursary = Bursary.objects.select_related("network", "applicant").filter(pk=bursary_id).first()
    if bursary is None or bursary.status == Bursary.Status.PENDING:
        return
    send_templated_email(
        to=bursary.applicant.email,
        template_prefix="fees/email/bursary_decision",
        context={
            "bursary": bursary,
            "network": bursary.network,
            "url": settings.SITE_URL + reverse("fees:mine"),
        },
    )


@db_task()
def send_sponsor_access(*, user_id: int, sponsor_id: int, new_account: bool) -> None:
    user = User.objects.filter(pk=user_id).first()
    sponsor = Sponsor.objects.select_related("network").filter(pk=sponsor_id).first()
    if user is None or sponsor is None:
        return
    send_templated_email(
        to=user.email,
        template_prefix="fees/email/sponsor_access",
        context={
            "sponsor": sponsor,
            "new_account": new_account,
            "url": settings.SITE_URL + reverse("fees:sponsor_page", args=[sponsor.pk]),
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
        },
    )


@db_task()
def send_fee_reminder(*, kind: str, place_id: int | None, invoice_id: int | None) -> None:
    from peerpower.fees.reminders import send_one  # noqa: PLC0415 - reminders imports queries

    send_one(kind=kind, place_id=place_id, invoice_id=invoice_id)


@db_periodic_task(crontab(hour="7", minute="15"))
def fee_reminders_daily() -> None:
    """Renewal reminders (6 and 2 weeks before a place ends) and overdue reminders (7 and 30
    days), each claimed once by a unique row."""
    from peerpower.fees.reminders import reminders_send_due  # noqa: PLC0415 - see above

    reminders_send_due()
