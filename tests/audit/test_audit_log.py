"""The audit log: admins' and chairs' acts on other people's records, and every refusal, in
the network's log, readable by its admins and naming no confidential content."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.audit.models import AuditEntry
from peerpower.groups.models import Membership
from peerpower.issues.models import Issue
from peerpower.lib.rules import Refused, audited, registered
from peerpower.meetings import actions as meeting_actions
from tests import factories, leaks
from tests.conftest import ClientFor, World

LOG = "audit:log"


def _plant(world: World, marker: leaks.Markers) -> Issue:
    Membership.objects.filter(group=world.group).update(pledge_accepted_at=timezone.now())
    return Issue.objects.create(
        group=world.group,
        meeting=world.next_meeting(),
        presenter=world.member,
        question=marker("question"),
        why_now=marker("why_now"),
        tried=marker("tried"),
        help_wanted=marker("help_wanted"),
    )


def test_every_audited_rule_is_registered() -> None:
    assert audited() and audited() <= set(registered())


def test_a_chair_cancelling_a_meeting_is_in_the_log_once_it_commits(
    world: World,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    meeting = world.next_meeting()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.chair).post(
            reverse("meetings:cancel", args=[meeting.pk]), {"reason": "The venue flooded"}
        )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(rule="meetings.cancel")
    assert (entry.network, entry.actor, entry.outcome) == (world.network, world.chair, "allowed")
    assert (entry.target_type, entry.target_id) == ("meetings.meeting", meeting.pk)


def test_an_act_rolled_back_leaves_no_entry(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    meeting = world.next_meeting()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        meeting_actions.meeting_cancel(meeting=meeting, reason="Snow", by=world.chair)
        raise RuntimeError("the act failed after its check")
    assert not AuditEntry.objects.filter(rule="meetings.cancel").exists()


def test_a_refusal_outside_any_request_is_written_at_once(world: World) -> None:
    # No request, so no middleware to wait for: the entry is saved when the rule says no.
    with pytest.raises(Refused):
        meeting_actions.meeting_cancel(
            meeting=world.next_meeting(), reason="Let us not", by=world.other_member
        )
    entry = AuditEntry.objects.get(rule="meetings.cancel")
    assert (entry.actor, entry.outcome, entry.network) == (
        world.other_member, "refused", world.network
    )  # fmt: skip


def test_refused_reads_of_an_issue_are_logged_and_name_none_of_it(
    world: World, client_for: ClientFor
) -> None:
    marker = leaks.Markers("a0d1")
    issue = _plant(world, marker)
    for person in (world.other_member, world.admin, world.former_member):
        page = client_for(person).get(reverse("issues:detail", args=[issue.pk]))
        assert page.status_code == 404
    entries = AuditEntry.objects.filter(rule="issues.read", outcome="refused")
    assert {e.actor for e in entries} == {world.other_member, world.admin, world.former_member}
    assert {(e.target_type, e.target_id, e.network_id) for e in entries} == {
        ("issues.issue", issue.pk, world.network.pk)
    }
    # A member of the group reads it: no refusal for them.
    own = client_for(world.member).get(reverse("issues:detail", args=[issue.pk]))
    assert own.status_code == 200
    assert not entries.filter(actor=world.member).exists()
    # The log itself holds none of the issue's words, in its rows or on its page.
    log = client_for(world.admin).get(reverse(LOG, args=[world.network.slug]))
    text = leaks.body_of(log)
    assert marker.found_in(text) == []
    assert "issue #" in text.lower() and world.other_member.name in text
    rows = " ".join(str(v) for v in AuditEntry.objects.values_list())
    assert marker.found_in(rows) == []


def test_the_issues_list_refused_is_logged(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    client_for(world.admin).get(reverse("issues:meeting", args=[meeting.pk]))
    assert AuditEntry.objects.filter(
        rule="issues.see", actor=world.admin, target_id=meeting.pk
    ).exists()


def test_an_admin_reading_a_persons_data_is_logged(world: World, client_for: ClientFor) -> None:
    client_for(world.admin).get(
        reverse("privacy:person", args=[world.network.slug, world.member.pk])
    )
    entry = AuditEntry.objects.get(rule="privacy.answer_request")
    assert (entry.actor, entry.target_type, entry.target_id, entry.network) == (
        world.admin, "accounts.user", world.member.pk, world.network
    )  # fmt: skip


def test_the_log_page_filters_and_pages(world: World, client_for: ClientFor) -> None:
    meeting = world.next_meeting()
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            network=world.network,
            actor=world.member,
            rule="meetings.cancel",
            outcome="refused" if i % 2 else "allowed",
            target_type="meetings.meeting",
            target_id=meeting.pk,
            at=now - timedelta(minutes=i),
        )
        for i in range(120)
    )
    admin = client_for(world.admin)
    url = reverse(LOG, args=[world.network.slug])
    first = admin.get(url, {"outcome": "refused"})
    assert first.status_code == 200
    entries = list(first.context["page"])
    assert len(entries) == 50 and {e.outcome for e in entries} == {"refused"}
    assert "outcome=refused&amp;page=2" in leaks.body_of(first)
    last = admin.get(url, {"outcome": "refused", "page": "2"})
    assert len(list(last.context["page"])) == 10
    assert len(list(admin.get(url).context["page"])) == 50
    # Another network's entries are not in this one's log.
    assert all(e.network_id == world.network.pk for e in admin.get(url).context["page"])


def test_the_log_is_empty_at_first(client_for: ClientFor) -> None:
    network = factories.make_network("Brand New")
    admin = factories.make_admin(network, "Nia New")
    page = client_for(admin).get(reverse(LOG, args=[network.slug]))
    assert "Nothing recorded yet." in leaks.body_of(page)
