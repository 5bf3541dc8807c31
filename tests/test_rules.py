"""lib.rules and groups.access: the one way permissions are asked, and its per-request cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peerpower.groups.access import access_for
from peerpower.groups.models import Membership
from peerpower.lib.rules import Refused, can, registered, require
from tests.conftest import ClientFor, World


def test_require_refuses_with_the_rules_sentence(world: World) -> None:
    with pytest.raises(Refused) as refused:
        require(world.outsider, "groups.manage", world.group)
    assert refused.value.messages == [registered()["groups.manage"]]
    assert refused.value.rule_name == "groups.manage"


def test_require_lets_the_chair_manage_their_group(world: World) -> None:
    require(world.chair, "groups.manage", world.group)
    assert can(world.admin, "groups.manage", world.group)
    assert not can(world.member, "groups.manage", world.group)


def test_an_unknown_rule_is_an_error_not_a_refusal(world: World) -> None:
    with pytest.raises(KeyError):
        can(world.chair, "groups.mange", world.group)


def test_a_superuser_flag_opens_no_rule(world: World) -> None:
    world.outsider.is_superuser = world.outsider.is_staff = True
    world.outsider.save()
    assert not can(world.outsider, "groups.view", world.group)


def test_outside_a_request_access_is_never_stale(world: World) -> None:
    assert can(world.member, "groups.attend", world.group)
    Membership.objects.filter(user=world.member, group=world.group).update(
        status=Membership.Status.LEFT
    )
    assert not can(world.member, "groups.attend", world.group)


def test_a_request_loads_access_once_for_every_rule(world: World, client_for: ClientFor) -> None:
    client = client_for(world.chair)
    url = reverse("groups:detail", args=[world.group.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    access_queries = [q for q in ctx.captured_queries if "UNION ALL" in q["sql"]]
    assert len(access_queries) == 1


def test_access_answers_every_question_from_one_query(world: World) -> None:
    with CaptureQueriesContext(connection) as ctx:
        access = access_for(world.admin)
    assert len(ctx.captured_queries) == 1
    assert access.administers(world.network.pk)
    assert not access.is_current(world.group.pk)
    assert access.can_view_group(world.group.pk, world.network.pk)
