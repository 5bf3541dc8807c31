"""The directory's search: one function, ranked, on SQLite (FTS5) and PostgreSQL alike; it
finds only the words the searcher may see, and reads no input as search syntax."""

import pytest
from django.urls import reverse

from peerpower.networking.queries import DirectoryFilter, directory, search_terms
from tests import factories
from tests.conftest import ClientFor, World
from tests.networking.conftest import Visibility, make_profile


def names(world: World, viewer: object, q: str = "", **filters: object) -> list[str]:
    found = directory(viewer, world.network, DirectoryFilter(q=q, **filters))  # type: ignore[arg-type]
    return [p.user.display_name for p in found]


@pytest.fixture
def people(world: World) -> World:
    make_profile(
        world.member,
        world.network,
        headline="Digital fundraising for small charities",
        headline_visibility=Visibility.NETWORK,
        help_tags=["Online giving"],
        help_visibility=Visibility.NETWORK,
    )
    make_profile(
        world.other_member,
        world.network,
        headline="Housing and tenancy sustainment",
        headline_visibility=Visibility.NETWORK,
        seek_tags=["Online giving"],
        seek_visibility=Visibility.NETWORK,
    )
    make_profile(world.chair, world.network, headline="Trustee recruitment, quietly")
    return world


def test_a_word_of_a_headline_finds_its_owner(people: World) -> None:
    assert names(people, people.other_member, "fundrais") == ["Maya Member"]
    assert names(people, people.chair, "HOUSING tenancy") == ["Olu Other"]


def test_a_tag_word_finds_both_sides_of_it(people: World) -> None:
    assert sorted(names(people, people.admin, "giving")) == ["Maya Member", "Olu Other"]


def test_a_word_the_searcher_may_not_see_finds_nobody(people: World) -> None:
    # The chair's headline is for their group: the member (same group) finds it, the other
    # group's member does not, not even by a prefix.
    assert names(people, people.member, "trustee") == ["Helen Chair"]
    assert names(people, people.other_member, "trustee") == []
    assert names(people, people.other_member, "quiet") == []
    assert names(people, people.admin, "trustee") == []


def test_the_searchers_own_group_comes_first_then_the_best_match(world: World) -> None:
    make_profile(
        world.member, world.network, headline="boards boards", headline_visibility="network"
    )
    make_profile(
        world.other_member, world.network, headline="boards housing", headline_visibility="network"
    )
    make_profile(
        world.chair, world.network, headline="boards housing", headline_visibility="network"
    )
    stranger = factories.add_member(world.other_group, factories.make_user("Zed Zero")).user
    make_profile(stranger, world.network, headline="boards boards", headline_visibility="network")
    assert names(world, world.other_member, "boards") == [
        "Zed Zero",  # their own group, the better match first
        "Olu Other",  # themselves, in their group
        "Maya Member",  # then the rest of the network, the better match first
        "Helen Chair",
    ]


MAYA = ["Maya Member"]
EVERYONE = ["Olu Other", "Helen Chair", "Maya Member"]  # no words: no search at all


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"', EVERYONE),
        ('fundraising"', MAYA),
        ('"digital fundraising', MAYA),
        ("fundraising AND OR NOT", []),  # the operators are words, and nobody has them all
        ("NEAR(fundraising digital)", []),  # "near" is a word too
        ("fundraising*", MAYA),
        ("-fundraising", MAYA),
        ("(((", EVERYONE),
        ("digital & | ! :* fundraising", MAYA),
        ("{search_group} : trustee", []),  # the group's column is never reachable by syntax
        ("search_group:trustee", []),
        ("trustee", []),
        ("' OR 1=1 --", []),
        ("\x00", EVERYONE),
        ("ü" * 300, []),
    ],
)
def test_search_syntax_is_read_as_words(
    people: World, client_for: ClientFor, q: str, expected: list[str]
) -> None:
    url = reverse("networking:directory", args=[people.network.slug])
    response = client_for(people.other_member).get(url, {"q": q[:100]})
    assert response.status_code == 200
    assert names(people, people.other_member, q) == expected


def test_search_terms_keep_letters_and_digits_only() -> None:
    assert search_terms('Café "AND" {x}: e2e_test -NOT*') == [
        "cafe",
        "and",
        "x",
        "e2e",
        "test",
        "not",
    ]


def test_accents_are_folded_on_both_sides(world: World) -> None:
    make_profile(
        world.member, world.network, headline="Création d'entreprise", headline_visibility="network"
    )
    assert names(world, world.other_member, "creation") == ["Maya Member"]
    assert names(world, world.other_member, "CRÉATION") == ["Maya Member"]
