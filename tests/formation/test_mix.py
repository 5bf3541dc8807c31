"""The pure part of the product: diversity from what the network mixes, and the hard
constraints read from people's data (formation.mix)."""

import numpy as np
import pytest

from peerpower.formation import mix
from peerpower.formation.solver import Infeasible, check, solve, violations


def person(key: int, **kw: object) -> mix.Person:
    values: dict[str, object] = {
        "name": f"P{key}",
        "organisation": f"Org {key}",
        "registered_number": f"R{key}",
        "sector": "arts",
        "size_band": "small",
        "region": "london",
        "kind": "charity",
    }
    values.update(kw)
    return mix.Person(key=key, **values)  # type: ignore[arg-type]


EVERYTHING = {"sector": 1, "size": 1, "region": 1, "years": 1, "kind": 1, "looking_for": 1}


def test_diversity_counts_each_difference_by_its_weight() -> None:
    a = person(
        1,
        sector="arts",
        size_band="micro",
        region="london",
        kind="charity",
        years_in_role=0,
        looking_for="funding",
    )
    b = person(
        2,
        sector="health",
        size_band="major",
        region="wales",
        kind="cic",
        years_in_role=5,
        looking_for="funding",
    )
    weights = {"sector": 5, "size": 4, "region": 3, "years": 2, "kind": 1, "looking_for": 7}
    instance = mix.build([a, b], [mix.Slot("One", 1, 2)], weights)
    # sector 5, size 4 x 4/4, region 3, years 2 x 5/10, kind 1, same looking-for 7
    assert instance.problem.diversity[0, 1] == pytest.approx(5 + 4 + 3 + 1 + 1 + 7)
    assert np.allclose(instance.problem.diversity, instance.problem.diversity.T)


def test_what_is_not_known_adds_nothing() -> None:
    a = person(1, sector="", size_band="", years_in_role=None, looking_for="")
    b = person(2, sector="health", size_band="major", years_in_role=9, looking_for="people")
    instance = mix.build([a, b], [mix.Slot("One", 1, 2)], EVERYTHING)
    assert instance.problem.diversity[0, 1] == 0.0  # region and kind are the same


def test_a_weight_of_zero_ignores_the_factor() -> None:
    a, b = person(1, sector="arts"), person(2, sector="health")
    instance = mix.build([a, b], [mix.Slot("One", 1, 2)], {"sector": 0})
    assert instance.problem.diversity[0, 1] == 0.0


def test_the_same_organisation_by_name_or_number_never_shares_a_group() -> None:
    a = person(1, organisation="Leeds Food Bank", sector="arts")
    b = person(2, organisation="leeds  food-bank", sector="health")
    c = person(3, registered_number="11 22 33", sector="youth")
    d = person(4, registered_number="112233", sector="housing")
    found = mix.conflicts([a, b, c, d])
    assert [(x.first, x.second, x.kind) for x in found] == [
        (1, 2, "organisation"),
        (3, 4, "organisation"),
    ]
    assert "both from Leeds Food Bank" in found[0].reason
    assert "share the registered number" in found[1].reason


def test_same_sector_region_and_size_band_is_flagged_and_kept_apart_until_dismissed() -> None:
    a, b = person(1), person(2)  # both arts, small, london
    c = person(3, sector="health")
    assert mix.possible_competitors([a, b, c]) == [(1, 2)]
    assert [x.kind for x in mix.conflicts([a, b, c])] == ["possible-competitor"]
    assert mix.conflicts([a, b, c], dismissed=[(2, 1)]) == []


def test_confirmed_and_declared_competitors_never_share_a_group() -> None:
    a = person(1, sector="arts")
    b = person(2, sector="health", avoid=("Org 3",))
    c = person(3, sector="youth")
    d = person(4, sector="housing")
    found = mix.conflicts([a, b, c, d], confirmed=[(4, 1)])
    assert [(x.first, x.second, x.kind) for x in found] == [
        (1, 4, "competitor"),
        (2, 3, "declared"),
    ]
    assert found[1].reason == "P2 will not share a room with Org 3"


def test_an_in_person_group_takes_only_its_venues_region() -> None:
    people = [
        person(i, sector=s, region=r)
        for i, (s, r) in enumerate(
            [("arts", "london"), ("health", "london"), ("youth", "wales"), ("housing", "wales")]
        )
    ]
    slots = [
        mix.Slot("Cardiff", 2, 2, region="wales", region_label="Wales"),
        mix.Slot("Online", 2, 2),
    ]
    instance = mix.build(people, slots, EVERYTHING)
    result = solve(instance.problem, iterations=200, seed=1)
    assert violations(instance.problem, result.groups) == []
    groups = {p.key: result.groups[i] for i, p in enumerate(people)}
    assert groups == {0: 1, 1: 1, 2: 0, 3: 0}
    assert mix.move_refusal(instance, groups, 0, 0) == (
        "Cardiff meets in person in a venue for Wales; P0 is not in that region."
    )


def test_existing_members_stay_in_their_group() -> None:
    people = [
        person(0, sector="arts", fixed=1),
        *(person(i, sector=s) for i, s in [(1, "health"), (2, "youth"), (3, "housing")]),
    ]
    instance = mix.build(people, [mix.Slot("A", 2, 2), mix.Slot("B", 2, 2)], EVERYTHING)
    result = solve(instance.problem, iterations=100, seed=0)
    assert result.groups[0] == 1
    groups = {p.key: result.groups[i] for i, p in enumerate(people)}
    assert mix.move_refusal(instance, groups, 0, 0) == "P0 is already a member of B."


def test_a_move_next_to_a_competitor_is_refused_naming_them() -> None:
    a, b = person(1), person(2)
    c, d = person(3, sector="health"), person(4, sector="youth")
    instance = mix.build([a, b, c, d], [mix.Slot("A", 2, 2), mix.Slot("B", 2, 2)], EVERYTHING)
    groups = {1: 0, 3: 0, 2: 1, 4: 1}
    assert mix.move_refusal(instance, groups, 1, 1) == (
        "P1 and P2 may be competitors (same sector, region and size band), "
        "so they cannot be in one group."
    )
    assert mix.move_refusal(instance, groups, 3, 1) == ""


def test_too_many_competitors_for_the_groups_is_infeasible_before_searching() -> None:
    people = [person(i) for i in range(3)]  # three possible competitors, pairwise
    instance = mix.build(people, [mix.Slot("A", 1, 2), mix.Slot("B", 1, 2)], EVERYTHING)
    with pytest.raises(Infeasible) as caught:
        check(instance.problem)
    assert caught.value.constraint == "cannot-link"


def test_the_score_is_the_sum_of_the_groups_and_their_factors() -> None:
    people = [
        person(i, sector=s, years_in_role=y)
        for i, (s, y) in enumerate([("arts", 1), ("health", 3), ("youth", 9), ("housing", 2)])
    ]
    instance = mix.build(people, [mix.Slot("A", 2, 2), mix.Slot("B", 2, 2)], EVERYTHING)
    groups = {0: 0, 1: 0, 2: 1, 3: 1}
    mixes = mix.mixes(instance, groups)
    assert [m.by_factor["sector"] for m in mixes] == [1.0, 1.0]
    assert [m.by_factor["years"] for m in mixes] == pytest.approx([0.2, 0.7])
    labels = mix.full_assignment(instance, groups)
    from peerpower.formation.solver import objective

    assert mix.score(instance, groups) == pytest.approx(
        objective(instance.problem.diversity, labels)
    )
    assert mixes[0].counts["sector"] == {"arts": 1, "health": 1}


def test_size_problems_and_respected_rules_are_named() -> None:
    people = [person(i, sector=s) for i, s in enumerate(["arts", "health", "youth"])]
    instance = mix.build(people, [mix.Slot("A", 2, 2), mix.Slot("B", 1, 2)], EVERYTHING)
    assert mix.size_problems(instance, {0: 0, 1: 0, 2: 0}) == [
        "A has 3 people; it needs 2 to 2.",
        "B has 0 people; it needs 1 to 2.",
    ]
    assert mix.respected(instance, {0: 0, 1: 0, 2: 1}) == [
        "Every group's size is within its bounds."
    ]
