"""The POST path of every groups view: what a person sends, what is saved, what they see."""

from django.urls import reverse

from peerpower.accounts.actions import invitation_create, invitation_revoke
from peerpower.accounts.models import Invitation
from peerpower.groups.actions import membership_set_status
from peerpower.groups.models import Membership, MembershipEvent, PeerGroup
from tests import factories
from tests.conftest import ClientFor, World


def group_form(group: PeerGroup, **changes: str) -> dict[str, str]:
    data = {
        "name": group.name,
        "description": group.description,
        "week_of_month": str(group.week_of_month),
        "weekday": str(group.weekday),
        "start_time": group.start_time.strftime("%H:%M"),
        "end_time": group.end_time.strftime("%H:%M"),
        "series_start": group.series_start.isoformat(),
        "time_zone": group.time_zone,
        "default_venue": str(group.default_venue_id or ""),
        "online_link": group.online_link,
        "min_size": str(group.min_size),
        "max_size": str(group.max_size),
        "protocol": "",
    }
    return {**data, **changes}


def test_the_chair_renames_the_group(world: World, client_for: ClientFor) -> None:
    response = client_for(world.chair).post(
        reverse("groups:edit", args=[world.group.pk]),
        group_form(world.group, name="Tuesday Leaders North"),
    )
    assert response.status_code == 302
    world.group.refresh_from_db()
    assert world.group.name == "Tuesday Leaders North"
    assert world.group.default_venue is not None  # what was not changed stays


def test_a_refused_edit_keeps_the_typed_text_and_saves_nothing(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.chair).post(
        reverse("groups:edit", args=[world.group.pk]),
        group_form(world.group, name="Renamed", min_size="10", max_size="9"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["max_size"] == [
        "The largest size cannot be below the smallest."
    ]
    assert b'value="Renamed"' in response.content
    world.group.refresh_from_db()
    assert (world.group.name, world.group.min_size) == ("Tuesday Leaders", 8)


def test_the_chair_invites_a_member_from_the_invite_page(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.chair).post(
        reverse("groups:invite", args=[world.group.pk]),
        {"email": "nia@example.org", "name": "Nia New", "role": "member"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(user__email="nia@example.org")
    assert (invitation.group, invitation.invited_by, invitation.role) == (
        world.group,
        world.chair,
        "member",
    )


def test_an_admin_on_the_invite_page_proposes_instead(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    page = client.get(reverse("groups:invite", args=[world.group.pk]))
    assert b"Propose a member for Tuesday Leaders" in page.content
    response = client.post(
        reverse("groups:invite", args=[world.group.pk]),
        {"email": "pat@example.org", "name": "Pat Proposed", "role": "member"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="pat@example.org")
    assert (membership.status, membership.proposed_by) == ("proposed", world.admin)
    assert not Invitation.objects.filter(user__email="pat@example.org").exists()


def test_the_chair_approves_and_declines_from_the_group_page(
    world: World, client_for: ClientFor
) -> None:
    admin = client_for(world.admin)
    for email in ("yes@example.org", "no@example.org"):
        admin.post(
            reverse("groups:invite", args=[world.group.pk]), {"email": email, "role": "member"}
        )
    yes = Membership.objects.get(user__email="yes@example.org")
    no = Membership.objects.get(user__email="no@example.org")
    chair = client_for(world.chair)
    page = chair.get(reverse("groups:detail", args=[world.group.pk]))
    assert page.content.count(b'name="decision" value="approve"') == 2
    chair.post(reverse("groups:proposal", args=[world.group.pk, yes.pk]), {"decision": "approve"})
    chair.post(reverse("groups:proposal", args=[world.group.pk, no.pk]), {"decision": "decline"})
    assert Membership.objects.get(pk=yes.pk).status == "invited"
    assert Invitation.objects.get(user=yes.user).invited_by == world.chair
    assert not Membership.objects.filter(pk=no.pk).exists()
    # the admin who proposed cannot approve
    again = admin.post(
        reverse("groups:invite", args=[world.group.pk]),
        {"email": "more@example.org", "role": "member"},
    )
    assert again.status_code == 302
    more = Membership.objects.get(user__email="more@example.org")
    refused = admin.post(
        reverse("groups:proposal", args=[world.group.pk, more.pk]), {"decision": "approve"}
    )
    assert refused.status_code == 404
    assert Membership.objects.get(pk=more.pk).status == "proposed"


def test_an_admin_replaces_the_chair_from_the_chair_page(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.admin)
    url = reverse("groups:chair", args=[world.group.pk])
    page = client.get(url)
    assert b"Replace the chair of Tuesday Leaders" in page.content
    missing = client.post(url, {"email": "rae@example.org", "name": "Rae"})
    assert missing.context["form"].errors["old_chair_becomes"] == ["This field is required."]
    assert b'value="rae@example.org"' in missing.content
    response = client.post(
        url, {"email": "rae@example.org", "name": "Rae", "old_chair_becomes": "left"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(user__email="rae@example.org")
    assert (invitation.role, invitation.old_chair_becomes, invitation.replaces_chair) == (
        "chair",
        "left",
        Membership.objects.get(group=world.group, user=world.chair),
    )


def test_an_admin_cannot_make_themselves_chair(world: World, client_for: ClientFor) -> None:
    response = client_for(world.admin).post(
        reverse("groups:chair", args=[world.group.pk]),
        {"email": world.admin.email, "old_chair_becomes": "member"},
    )
    assert response.context["form"].errors["email"] == [
        "You cannot invite or propose yourself; ask someone else to."
    ]
    assert not Invitation.objects.filter(group=world.group, role="chair").exists()


def test_the_history_is_shown_to_the_group(world: World, client_for: ClientFor) -> None:
    membership = Membership.objects.get(group=world.group, user=world.member)
    client_for(world.chair).post(
        reverse("groups:membership_status", args=[world.group.pk, membership.pk]),
        {"status": "left"},
    )
    event = MembershipEvent.objects.get(group=world.group, kind="left")
    assert (event.user, event.by) == (world.member, world.chair)
    page = client_for(world.chair).get(reverse("groups:detail", args=[world.group.pk]))
    assert b"Membership history" in page.content
    assert b"<strong>Maya Member</strong>\nleft (Helen Chair)" in page.content


def test_members_see_joinings_but_not_invitations_in_the_history(
    world: World, client_for: ClientFor
) -> None:
    """Who was invited (and withdrawn) is the chair's and the admins' to know, as the list of
    people invited is; the whole group sees who joined and left."""
    invitation = invitation_create(
        network=world.network,
        group=world.group,
        role="member",
        email="quiet.candidate@example.org",
        name="Quiet Candidate",
        by=world.chair,
    )
    invitation_revoke(invitation=invitation, by=world.chair)
    leaver = factories.add_member(world.group, factories.make_user("Lee Leaver"))
    membership_set_status(membership=leaver, status=Membership.Status.LEFT, by=world.chair)
    url = reverse("groups:detail", args=[world.group.pk])
    for manager in (world.chair, world.admin):
        page = client_for(manager).get(url).content.decode()
        assert "Quiet Candidate</strong>\nwas invited" in page
        assert "Quiet Candidate</strong>\n– invitation withdrawn" in page
    page = client_for(world.member).get(url).content.decode()
    assert "Membership history" in page
    assert "Quiet Candidate" not in page
    assert "Lee Leaver</strong>\nleft (Helen Chair)" in page


def test_an_admin_cannot_set_up_a_group_with_themselves_as_chair(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.admin).post(
        reverse("groups:create"),
        {
            "name": "Friday Forum",
            "week_of_month": "2",
            "weekday": "4",
            "start_time": "09:30",
            "end_time": "13:30",
            "series_start": "2030-01-01",
            "time_zone": "Europe/London",
            "min_size": "8",
            "max_size": "16",
            "chair_email": world.admin.email.upper(),
        },
    )
    assert response.context["form"].errors["chair_email"] == [
        "You cannot be the chair of a group you set up; invite someone else."
    ]
    assert not PeerGroup.objects.filter(name="Friday Forum").exists()


def test_setting_up_a_group_previews_its_first_dates_and_warns_of_bank_holidays(
    world: World, client_for: ClientFor
) -> None:
    # The last Monday of May and of August: bank holidays in England, Wales and N. Ireland.
    response = client_for(world.admin).post(
        reverse("groups:create"),
        {
            "name": "Monday Forum",
            "week_of_month": "-1",
            "weekday": "0",
            "start_time": "09:30",
            "end_time": "13:30",
            "series_start": "2030-05",
            "time_zone": "Europe/London",
            "min_size": "8",
            "max_size": "16",
            "chair_email": "cat@example.org",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    assert not PeerGroup.objects.filter(name="Monday Forum").exists()  # nothing saved
    days = [(p.day.isoformat(), p.bank_holiday) for p in response.context["preview"]]
    assert days[0] == ("2030-05-27", "Spring Bank Holiday")  # all four nations
    assert days[3] == ("2030-08-26", "Late Summer Bank Holiday (England, Wales, Northern Ireland)")
    assert len(days) == 12
    assert b"2 meetings fall on a bank holiday." in response.content
    assert b'value="2030-05"' in response.content  # the month, as typed
