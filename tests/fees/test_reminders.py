"""Renewal reminders 6 and 2 weeks before a place ends, overdue reminders 7 and 30 days after
the due date: each sent once however often the task runs, none once renewed, paid or
switched off."""

from datetime import timedelta

from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.fees import actions
from peerpower.fees.models import FeeSettings
from peerpower.fees.reminders import reminders_send_due
from tests.fees.conftest import Fees


def test_renewal_reminders_go_six_and_two_weeks_before_once_each(
    fees: Fees, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    ends = fees.place.ends_on
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(ends - timedelta(days=43)) == 0
        assert reminders_send_due(ends - timedelta(days=42)) == 1
        assert reminders_send_due(ends - timedelta(days=41)) == 0  # claimed already
        assert reminders_send_due(ends - timedelta(days=14)) == 1
    subjects = sorted({m.subject for m in mail.outbox})
    assert subjects == [
        "A place in Tuesday Leaders ends in 2 weeks",
        "A place in Tuesday Leaders ends in 6 weeks",
        "Your place in Tuesday Leaders ends in 2 weeks",
        "Your place in Tuesday Leaders ends in 6 weeks",
    ]
    assert {m.to[0] for m in mail.outbox} == {fees.world.member.email, fees.world.admin.email}


def test_a_renewed_place_gets_no_reminder(fees: Fees) -> None:
    actions.place_renew(place=fees.place, by=fees.world.admin)
    assert reminders_send_due(fees.place.ends_on - timedelta(days=42)) == 0


def test_overdue_reminders_at_7_and_30_days_while_something_is_owed(
    fees: Fees, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    invoice = actions.invoice_issue(place=fees.place, by=fees.world.admin)
    due = invoice.due_on
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send_due(due + timedelta(days=6)) == 0
        assert reminders_send_due(due + timedelta(days=7)) == 1
        assert reminders_send_due(due + timedelta(days=8)) == 0
        assert reminders_send_due(due + timedelta(days=30)) == 1
    assert [m.subject for m in mail.outbox] == ["Invoice INV-000001 is overdue"] * 2
    assert "30 days ago, and £1,800.00 is still owed" in mail.outbox[1].body
    assert mail.outbox[0].to == [invoice.buyer_email]


def test_no_overdue_reminder_when_paid_or_switched_off(fees: Fees) -> None:
    admin = fees.world.admin
    invoice = actions.invoice_issue(place=fees.place, by=admin)
    FeeSettings.objects.filter(network=fees.world.network).update(overdue_reminders=False)
    renewal_day = fees.place.ends_on - timedelta(days=100)
    assert reminders_send_due(max(invoice.due_on + timedelta(days=7), renewal_day)) == 0
    FeeSettings.objects.filter(network=fees.world.network).update(overdue_reminders=True)
    actions.payment_record(
        invoice=invoice, amount_pence=invoice.gross_pence, received_on=invoice.issued_on, by=admin
    )
    assert reminders_send_due(invoice.due_on + timedelta(days=30)) == 0
