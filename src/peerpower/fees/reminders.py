"""Renewal and overdue reminders: which are due today, claimed once each by a unique
`ReminderSent` row (so two workers never send the same one), and sending one.

Renewal: 6 and 2 weeks before a place ends, to the member and the network's admins, unless the
place has been renewed. Overdue: 7 and 30 days after the due date, to the payer's finance
contact, while something is owed, where the network has them switched on."""

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from peerpower.fees import tasks
from peerpower.fees.models import FeeSettings, Invoice, Place, ReminderSent
from peerpower.fees.queries import with_balance
from peerpower.lib.email import send_templated_email

RENEWAL = ((ReminderSent.Kind.RENEWAL_6W, 42), (ReminderSent.Kind.RENEWAL_2W, 14))
OVERDUE = ((ReminderSent.Kind.OVERDUE_30D, 30), (ReminderSent.Kind.OVERDUE_7D, 7))


def _claim(kind: str, *, place: Place | None = None, invoice: Invoice | None = None) -> bool:
    try:
        with transaction.atomic():
            ReminderSent.objects.create(kind=kind, place=place, invoice=invoice)
    except IntegrityError:
        return False
    return True


def reminders_send_due(today: date | None = None) -> int:
    """Claim and queue every reminder due by `today`; returns how many were queued."""
    today = today or timezone.localdate()
    queued = 0
    for kind, days in RENEWAL:
        due = Place.objects.filter(
            ends_on__lte=today + timedelta(days=days),
            ends_on__gte=today,
            renewal__isnull=True,
            membership__status__in=["active", "paused"],
        )
        for place in due:
            if _claim(kind, place=place):
                tasks.send_fee_reminder(kind=kind, place_id=place.pk, invoice_id=None)
                queued += 1
    switched_off = FeeSettings.objects.filter(overdue_reminders=False).values("network_id")
    for kind, days in OVERDUE:
        overdue = (
            with_balance(Invoice.objects.filter(kind=Invoice.Kind.INVOICE))
            .filter(balance__gt=0, due_on__lte=today - timedelta(days=days))
            .exclude(network_id__in=switched_off)
        )
        for invoice in overdue:
            if (
                kind == ReminderSent.Kind.OVERDUE_7D
                and ReminderSent.objects.filter(
                    kind=ReminderSent.Kind.OVERDUE_30D, invoice=invoice
                ).exists()
            ):
                continue  # found late: the 30-day reminder says it all
            if _claim(kind, invoice=invoice):
                tasks.send_fee_reminder(kind=kind, place_id=None, invoice_id=invoice.pk)
                queued += 1
    return queued


def send_one(*, kind: str, place_id: int | None, invoice_id: int | None) -> None:
    if place_id is not None:
        place = (
            Place.objects.select_related("membership__user", "membership__group__network", "plan")
            .filter(pk=place_id)
            .first()
        )
        if place is None or Place.objects.filter(renewed_from=place).exists():
            return
        network = place.membership.group.network
        recipients = [place.membership.user, *tasks._admins(network.pk)]
        for person in recipients:
            with timezone.override(person.time_zone):
                send_templated_email(
                    to=person.email,
                    template_prefix="fees/email/renewal",
                    context={
                        "place": place,
                        "network": network,
                        "to_member": person.pk == place.membership.user_id,
                        "weeks": 6 if kind == ReminderSent.Kind.RENEWAL_6W else 2,
                        "url": settings.SITE_URL + reverse("fees:mine"),
                    },
                )
        return
    invoice = with_balance(Invoice.objects.select_related("network")).filter(pk=invoice_id).first()
    if invoice is None or invoice.balance <= 0 or not invoice.buyer_email:
        return
    send_templated_email(
        to=invoice.buyer_email,
        template_prefix="fees/email/overdue",
        context={
            "invoice": invoice,
            "days": 30 if kind == ReminderSent.Kind.OVERDUE_30D else 7,
            "url": settings.SITE_URL + reverse("fees:invoice", args=[invoice.pk]),
        },
    )
