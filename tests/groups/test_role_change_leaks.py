"""Confidentiality across changes of role: joining, leaving, coming back, a chair replaced.

The issues session's markers (tests/issues/test_leaks.py) are planted in a meeting held
yesterday; then people change role and `tests.leaks.walk` looks at every page as them.
"""

from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.actions import invitation_accept, invitation_create
from peerpower.accounts.models import Invitation, User
from peerpower.groups.actions import (
    chair_replace,
    membership_approve,
    membership_propose,
    membership_set_status,
    pledge_accept,
)
from peerpower.groups.models import Membership, MembershipEvent
from peerpower.issues.models import Commitment, Issue
from peerpower.lib.rules import Refused
from peerpower.meetings.models import Meeting
from tests import factories, leaks
from tests.issues.conftest import Session, session  # noqa: F401 - the fixture
from tests.issues.test_leaks import marker, objects_of, plant

Capture = DjangoCaptureOnCommitCallbacks
Planted = tuple[Session, Issue, Commitment]


@pytest.fixture
def planted(session: Session, django_capture_on_commit_callbacks: Capture) -> Planted:  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        issue, commitment = plant(session)
    # The meeting was yesterday: whoever joins today comes after it.
    yesterday = timezone.now() - timedelta(days=1)
    Meeting.objects.filter(pk=session.meeting.pk).update(
        starts_at=yesterday - timedelta(minutes=10),
        ends_at=yesterday + timedelta(hours=3),
        day=timezone.localdate(yesterday),
    )
    session.meeting.refresh_from_db()
    return session, issue, commitment


def sees(p: Planted, user: User) -> list[str]:
    s, issue, commitment = p
    return leaks.walk({"them": user}, objects_of(s, issue, commitment), marker)


def join(invitation: Invitation, capture: Capture, password: str | None = None) -> Membership:
    with capture(execute=True):
        invitation_accept(invitation=invitation, user=invitation.user, password=password)
    membership = Membership.objects.get(group_id=invitation.group_id, user=invitation.user)
    pledge_accept(membership=membership, by=invitation.user)
    return membership


def told_before_pledge(membership: Membership, subject: str) -> None:
    membership.refresh_from_db()
    joined = MembershipEvent.objects.filter(
        group=membership.group, user=membership.user, kind__in=MembershipEvent.ANNOUNCED
    ).latest("at")
    assert membership.pledge_accepted_at is not None
    assert joined.at == membership.announced_at
    assert joined.at < membership.pledge_accepted_at
    assert subject in [m.subject for m in mail.outbox]


def test_a_network_admin_cannot_invite_themselves_in(planted: Planted) -> None:
    s, _, _ = planted
    with pytest.raises(Refused):
        invitation_create(
            network=s.world.network,
            group=s.world.group,
            role="member",
            email=s.world.admin.email,
            by=s.world.admin,
        )
    assert sees(planted, s.world.admin) == []


def test_an_admin_proposed_and_approved_joins_only_after_the_group_is_told_and_sees_nothing_earlier(
    planted: Planted, django_capture_on_commit_callbacks: Capture
) -> None:
    s, _, _ = planted
    admin_user = s.world.admin
    proposal = membership_propose(group=s.world.group, email=admin_user.email, by=admin_user)
    assert sees(planted, admin_user) == []  # proposed: nothing
    invitation = membership_approve(membership=proposal, by=s.chair)
    assert sees(planted, admin_user) == []  # invited: nothing
    mail.outbox.clear()
    membership = join(invitation, django_capture_on_commit_callbacks)
    told_before_pledge(membership, "Alex Admin has joined Tuesday Leaders")
    assert sees(planted, admin_user) == []  # pledged, but joined after the meeting
    # the history shows who proposed and who approved
    page = Client()
    page.force_login(s.bob)
    history = page.get(reverse("groups:detail", args=[s.world.group.pk])).content.decode()
    assert "joined as member, proposed by Alex Admin, approved by Helen Chair" in history


def test_a_member_who_leaves_and_comes_back_sees_only_what_the_joined_later_rule_allows(
    planted: Planted, django_capture_on_commit_callbacks: Capture
) -> None:
    s, _, _ = planted
    assert marker("question") in "".join(sees(planted, s.bob))  # while there: they see it
    membership = Membership.objects.get(group=s.world.group, user=s.bob)
    membership_set_status(membership=membership, status=Membership.Status.LEFT, by=s.chair)
    assert sees(planted, s.bob) == []
    invitation = invitation_create(
        network=s.world.network,
        group=s.world.group,
        role="member",
        email=s.bob.email,
        by=s.chair,
    )
    mail.outbox.clear()
    membership = join(invitation, django_capture_on_commit_callbacks)
    told_before_pledge(membership, "Bob Member has joined Tuesday Leaders")
    assert membership.joined_on == timezone.localdate()
    assert sees(planted, s.bob) == []  # came back after the meeting
    kinds = list(
        MembershipEvent.objects.filter(group=s.world.group, user=s.bob)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds[-3:] == ["left", "invited", "joined"]


@pytest.mark.parametrize("old_chair_becomes", ["member", "left"])
def test_a_chair_replaced_mid_year_sees_only_what_the_rule_allows(
    planted: Planted, django_capture_on_commit_callbacks: Capture, old_chair_becomes: str
) -> None:
    s, _, _ = planted
    invitation = chair_replace(
        group=s.world.group,
        email="rae@example.org",
        name="Rae Replacement",
        old_chair_becomes=old_chair_becomes,
        by=s.world.admin,
    )
    mail.outbox.clear()
    new_chair = join(invitation, django_capture_on_commit_callbacks, password="a-long-pass-77")
    told_before_pledge(new_chair, "Rae Replacement is now the chair of Tuesday Leaders")
    TOTP.activate(new_chair.user, generate_totp_secret())  # a chair must have a second factor
    assert sees(planted, new_chair.user) == []  # chairs from today on
    old = Membership.objects.get(group=s.world.group, user=s.chair)
    found = sees(planted, s.chair)
    if old_chair_becomes == "member":
        assert old.role == "member"
        assert marker("question") in "".join(found)  # was there, still is: the rule allows it
    else:
        assert old.status == "left"
        assert found == []


def test_a_superusers_admin_session_reads_nothing_confidential(planted: Planted) -> None:
    s = planted[0]
    superuser = factories.make_user("Super User", mfa=True)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    assert sees(planted, superuser) == []
    client = Client()
    client.force_login(superuser)
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(url)
        assert page.status_code == 200, url
        assert marker.found_in(page.content.decode()) == [], url
    # and it cannot become anyone: no password page, email read-only
    member = reverse("admin:accounts_user_change", args=[s.alice.pk])
    assert b'name="password' not in client.get(member).content
    assert b'name="email"' not in client.get(member).content
