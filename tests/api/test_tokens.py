"""Personal access tokens: stored as a hash only, scoped to one network, read or read/write,
expiring (within a year), revoked at once, last use noted at most once a minute."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from peerpower.accounts.models import hash_token
from peerpower.api import actions
from peerpower.api.models import AccessToken
from peerpower.lib.rules import Refused
from peerpower.meetings.models import Participation
from tests import factories
from tests.api.conftest import TokenFor, api_get
from tests.conftest import ClientFor, World


def _all_rows_text() -> str:
    """Every value of every row of every table, as one text."""
    parts: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from Django)
            parts.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(parts)


def test_the_raw_token_is_in_no_row_of_the_database(world: World, token_for: TokenFor) -> None:
    raw = token_for(world.member, world.network)
    assert api_get(raw, "/networks")[0] == 200
    text = _all_rows_text()
    assert raw not in text
    assert raw[len(AccessToken.PREFIX) :] not in text
    assert AccessToken.objects.get().token_hash == hash_token(raw)


def test_a_token_for_one_network_sees_nothing_of_another(world: World, token_for: TokenFor) -> None:
    other = factories.make_network("Southgate")
    group_b = factories.make_group(other, "Southgate Wednesday")
    factories.add_member(group_b, world.member)
    raw_a = token_for(world.member, world.network)
    status, body = api_get(raw_a, "/groups")
    assert status == 200
    assert {g["id"] for g in body["items"]} == {world.group.pk}  # type: ignore[index]
    assert api_get(raw_a, f"/groups/{group_b.pk}")[0] == 404
    assert api_get(raw_a, f"/networks/{other.pk}")[0] == 404
    meeting_b = group_b.meetings.first()
    assert meeting_b is not None
    assert api_get(raw_a, f"/meetings/{meeting_b.pk}")[0] == 404
    _, meetings = api_get(raw_a, "/meetings", limit=100)
    assert meeting_b.pk not in {m["id"] for m in meetings["items"]}  # type: ignore[index]
    raw_b = token_for(world.member, other)
    _, groups_b = api_get(raw_b, "/groups")
    assert {g["id"] for g in groups_b["items"]} == {group_b.pk}  # type: ignore[index]


def test_a_read_token_cannot_write_and_a_write_token_can(world: World, token_for: TokenFor) -> None:
    meeting = world.next_meeting()
    read = token_for(world.member, world.network)
    response = Client().put(
        f"/api/v1/meetings/{meeting.pk}/rsvp",
        {"rsvp": "attending"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {read}",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert not Participation.objects.filter(meeting=meeting, user=world.member).exists()
    write = token_for(world.member, world.network, access="write")
    response = Client().put(
        f"/api/v1/meetings/{meeting.pk}/rsvp",
        {"rsvp": "apologies", "reason": "Away that week"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {write}",
    )
    assert response.status_code == 200, response.content
    assert response.json()["rsvp"] == "apologies"
    assert "Away that week" not in response.content.decode()
    reply = Participation.objects.get(meeting=meeting, user=world.member)
    assert reply.apology_reason == "Away that week"


def test_the_same_rules_as_the_pages_apply_to_writing(world: World, token_for: TokenFor) -> None:
    """The admin sees the meeting but is not a member: rsvp_set's rule refuses them (403)."""
    write = token_for(world.admin, world.network, access="write")
    response = Client().put(
        f"/api/v1/meetings/{world.next_meeting().pk}/rsvp",
        {"rsvp": "attending"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {write}",
    )
    assert response.status_code == 403
    response = Client().put(
        f"/api/v1/meetings/{world.next_meeting().pk}/rsvp",
        {"rsvp": "apologies"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world.member, world.network, access='write')}",
    )
    assert response.status_code == 422
    assert "reason" in response.json()["errors"]


def test_an_expired_token_is_refused(world: World, token_for: TokenFor) -> None:
    raw = token_for(world.member, world.network)
    assert api_get(raw, "/groups")[0] == 200
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    status, body = api_get(raw, "/groups")
    assert status == 401
    assert body["code"] == "unauthorized"  # type: ignore[index]


def test_revocation_holds_from_the_next_request(world: World, token_for: TokenFor) -> None:
    raw = token_for(world.member, world.network)
    assert api_get(raw, "/groups")[0] == 200
    actions.token_revoke(by=world.member, token=AccessToken.objects.get())
    assert api_get(raw, "/groups")[0] == 401


def test_no_token_or_a_wrong_one_is_401_with_a_clear_body(world: World) -> None:
    response = Client().get("/api/v1/groups")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthorized"
    response = Client().get("/api/v1/groups", HTTP_AUTHORIZATION="Bearer pp_not-a-token")
    assert response.status_code == 401


def test_only_the_owner_revokes_and_nobody_makes_one_for_a_network_they_are_not_in(
    world: World, token_for: TokenFor
) -> None:
    token_for(world.member, world.network)
    token = AccessToken.objects.get()
    with pytest.raises(Refused):
        actions.token_revoke(by=world.other_member, token=token)
    with pytest.raises(Refused):
        actions.token_create(
            by=world.outsider,
            network=world.network,
            name="x",
            access="read",
            expires_on=timezone.localdate() + timedelta(days=1),
        )


def test_last_use_is_written_at_most_once_a_minute(world: World, token_for: TokenFor) -> None:
    raw = token_for(world.member, world.network)
    api_get(raw, "/groups")
    first = AccessToken.objects.get().last_used_at
    assert first is not None
    api_get(raw, "/groups")
    assert AccessToken.objects.get().last_used_at == first
    AccessToken.objects.update(last_used_at=first - timedelta(seconds=61))
    api_get(raw, "/groups")
    later = AccessToken.objects.get().last_used_at
    assert later is not None and later > first - timedelta(seconds=61)


def test_requests_over_the_rate_limit_get_429_with_retry_after(
    world: World, token_for: TokenFor, settings: SettingsWrapper
) -> None:
    settings.API_RATE_LIMIT = 3
    raw = token_for(world.member, world.network)
    for _ in range(3):
        assert api_get(raw, "/groups")[0] == 200
    response = Client().get("/api/v1/groups", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


@pytest.mark.parametrize(
    ("name", "days", "field"),
    [
        ("", 30, "name"),
        ("   ", 30, "name"),
        ("x" * 81, 30, "name"),
        ("CRM", -1, "expires_on"),
        ("CRM", 366, "expires_on"),
        ("CRM", 5000, "expires_on"),
    ],
)
def test_bad_token_input_is_refused_with_the_field_to_blame(
    world: World, name: str, days: int, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.token_create(
            by=world.member,
            network=world.network,
            name=name,
            access="read",
            expires_on=timezone.localdate() + timedelta(days=days),
        )
    assert field in refused.value.message_dict
    assert not AccessToken.objects.exists()


def test_pagination_is_limit_and_offset_at_most_100(world: World, token_for: TokenFor) -> None:
    raw = token_for(world.member, world.network)
    status, body = api_get(raw, "/meetings", limit=2, offset=1)
    assert status == 200
    assert body["limit"] == 2 and body["offset"] == 1  # type: ignore[index]
    assert len(body["items"]) == 2  # type: ignore[index]
    assert body["count"] > 3  # type: ignore[index]
    status, body = api_get(raw, "/meetings", limit=101)
    assert status == 422
    assert body["code"] == "invalid"  # type: ignore[index]
    assert "limit" in body["errors"]  # type: ignore[index]


def test_memberships_give_names_and_roles_only(world: World, token_for: TokenFor) -> None:
    raw = token_for(world.member, world.network)
    status, body = api_get(raw, f"/groups/{world.group.pk}/memberships")
    assert status == 200
    items = body["items"]  # type: ignore[index]
    assert {m["name"] for m in items} == {"Helen Chair", "Maya Member"}
    assert all(set(m) == {"id", "name", "role"} for m in items)
    assert world.chair.email not in str(body)


def test_a_meeting_comes_with_its_agenda(world: World, token_for: TokenFor) -> None:
    raw = token_for(world.member, world.network)
    status, body = api_get(raw, f"/meetings/{world.next_meeting().pk}")
    assert status == 200
    assert [a["position"] for a in body["agenda"]]  # type: ignore[index]
    assert body["group_id"] == world.group.pk  # type: ignore[index]


def test_erasing_a_person_deletes_their_tokens_and_they_stop_at_once(
    world: World, token_for: TokenFor
) -> None:
    from peerpower.privacy.actions import person_erase

    raw = token_for(world.member, world.network)
    assert api_get(raw, "/groups")[0] == 200
    person_erase(person=world.member, network=world.network, by=world.admin)
    assert not AccessToken.objects.filter(user=world.member).exists()
    assert api_get(raw, "/groups")[0] == 401


def test_a_persons_copy_of_their_data_lists_their_tokens_without_the_fingerprint(
    world: World, token_for: TokenFor
) -> None:
    from peerpower.privacy.exports import personal_data

    token_for(world.member, world.network)
    rows = personal_data(world.member).as_json()["sections"]["api_tokens"]
    assert [row["name"] for row in rows] == ["Test"]
    assert AccessToken.objects.get().token_hash not in str(rows)


@pytest.mark.parametrize(
    ("name", "days", "field", "message"),
    [
        ("", 30, "name", "Give the token a name"),
        ("CRM", -1, "expires_on", "That day has passed"),
        ("CRM", 400, "expires_on", "A token lasts at most a year"),
    ],
)
def test_the_page_shows_bad_input_beside_its_field_and_saves_nothing(
    world: World, client_for: ClientFor, name: str, days: int, field: str, message: str
) -> None:
    expires = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = client_for(world.member).post(
        reverse("api:tokens"),
        {"name": name, "network": world.network.pk, "access": "read", "expires_on": expires},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and message in html
    assert not AccessToken.objects.exists()


def test_the_token_is_shown_once_on_the_page_that_makes_it(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.member)
    expires = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        reverse("api:tokens"),
        {"name": "CRM", "network": world.network.pk, "access": "write", "expires_on": expires},
    )
    html = response.content.decode()
    token = AccessToken.objects.get()
    raw = html.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert hash_token(raw) == token.token_hash
    assert token.can_write and token.name == "CRM"
    assert raw not in client.get(reverse("api:tokens")).content.decode()
    # The outsider has no network to make one for: the page says so and offers no form.
    page = client_for(world.outsider).get(reverse("api:tokens")).content.decode()
    assert "once you belong to a network" in page
