"""The API's own access walk: every API URL, fetched with a token of each role (the same
people as tests/test_access.py), pointed at the world's group and its next meeting; the
status each gets is written down here. A new API URL that is not classified fails.

The page walk (tests/test_access.py) fetches the same URLs with a session and gets 401 for
every role: the API answers a token, never a session."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.api.actions import token_create
from tests import urlwalk
from tests.conftest import World
from tests.test_access import SECURITY_HEADERS

# People with a place or a role in the network hold a token; the rest cannot make one
# (tests/api/test_refusals.py), so they call with none.
HOLDERS = ["coach", "speaker", "other_member", "member", "chair", "admin"]
WITHOUT = ["anonymous", "outsider", "former_member", "guest", "sponsor"]


def expect(**allowed: int) -> dict[str, int]:
    """`allowed` for those roles, 404 for the other token holders, 401 without a token."""
    return {role: allowed.get(role, 404) for role in HOLDERS} | dict.fromkeys(WITHOUT, 401)


GROUP_VIEWERS = {"member": 200, "chair": 200, "admin": 200}
EVERY_HOLDER = dict.fromkeys(HOLDERS, 200)

EXPECTED: dict[str, dict[str, int]] = {
    # Lists answer everyone who holds a token (with what they may see: tests/api/test_tokens).
    "api_v1:network_list": expect(**EVERY_HOLDER),
    "api_v1:group_list": expect(**EVERY_HOLDER),
    "api_v1:meeting_list": expect(**EVERY_HOLDER),
    "api_v1:rsvp_list": expect(**EVERY_HOLDER),
    # The token's network while its owner has a place or a role there.
    "api_v1:network_detail": expect(**EVERY_HOLDER),
    # The group and its meetings: as on the pages, its members, chair and network's admins.
    "api_v1:group_detail": expect(**GROUP_VIEWERS),
    "api_v1:membership_list": expect(**GROUP_VIEWERS),
    "api_v1:meeting_detail": expect(**GROUP_VIEWERS),
    "api_v1:rsvp_put": dict.fromkeys(HOLDERS + WITHOUT, 405),  # a PUT (below)
    # Public: the schema and its reference; the root is nothing.
    "api_v1:openapi-json": dict.fromkeys(HOLDERS + WITHOUT, 200),
    "api_v1:api-root": dict.fromkeys(HOLDERS + WITHOUT, 404),
}
# Replying through the API: a member or the chair of the group (meetings.rsvp); the admin sees
# the meeting but is no member (403); others do not see it (404).
EXPECTED_PUT = expect(member=200, chair=200, admin=403)


def _tokens(world: World) -> dict[str, str | None]:
    tokens: dict[str, str | None] = dict.fromkeys(WITHOUT)
    for role in HOLDERS:
        user: User = getattr(world, role)
        _, raw = token_create(
            by=user,
            network=world.network,
            name=role,
            access="write",
            expires_on=timezone.localdate() + timedelta(days=30),
        )
        tokens[role] = raw
    return tokens


def _client(raw: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}") if raw else Client()


def test_every_api_url_is_classified() -> None:
    names = {name for name, _ in urlwalk.all_patterns() if name.startswith("api_v1:")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_response_from_the_api(name: str, world: World) -> None:
    tokens = _tokens(world)
    objects = {
        "network_id": world.network.pk,
        "group_id": world.group.pk,
        "meeting_id": world.next_meeting().pk,
    }
    pattern = dict(urlwalk.all_patterns())[name]
    url = urlwalk.url_for(name, pattern, objects)
    got = {}
    for role, raw in tokens.items():
        response = _client(raw).get(url)
        assert {h: response.headers.get(h) for h in SECURITY_HEADERS} == SECURITY_HEADERS
        got[role] = response.status_code
    assert got == EXPECTED[name]


def test_each_role_gets_the_expected_response_to_a_reply(world: World) -> None:
    tokens = _tokens(world)
    url = f"/api/v1/meetings/{world.next_meeting().pk}/rsvp"
    got = {}
    for role, raw in tokens.items():
        response = _client(raw).put(url, {"rsvp": "attending"}, content_type="application/json")
        assert "no-store" in response.headers.get("Cache-Control", ""), role
        got[role] = response.status_code
    assert got == EXPECTED_PUT


def test_a_two_network_install_keeps_each_networks_api_apart(world: World) -> None:
    """The admin of a second network, with a token for it, reaches nothing of the first."""
    from tests import factories

    southgate = factories.make_network("Southgate")
    other_admin = factories.make_admin(southgate, "Sam Southgate")
    factories.make_group(southgate, "Southgate Circle")
    _, raw = token_create(
        by=other_admin,
        network=southgate,
        name="x",
        access="write",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    client = _client(raw)
    for url in (
        f"/api/v1/networks/{world.network.pk}",
        f"/api/v1/groups/{world.group.pk}",
        f"/api/v1/groups/{world.group.pk}/memberships",
        f"/api/v1/meetings/{world.next_meeting().pk}",
    ):
        assert client.get(url).status_code == 404, url
    listed = str(client.get("/api/v1/meetings", {"limit": 100}).json())
    assert "Tuesday Leaders" not in listed and f"'group_id': {world.group.pk}," not in listed
    groups = client.get("/api/v1/groups").json()["items"]
    assert [g["name"] for g in groups] == ["Southgate Circle"]
