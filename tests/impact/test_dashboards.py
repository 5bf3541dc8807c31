"""The dashboards: the figures are right (worked out here from the rows), a cell of 4 is
never shown in the page or the CSV, 5 is, and a hidden group cannot be recovered by
difference."""

import csv
import io

from django.urls import reverse

from peerpower.impact import dashboards
from tests import factories
from tests.conftest import ClientFor, World
from tests.impact.builders import closed_round, outcome_pairs


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


def _row(rows: list[list[str]], first: str) -> list[str]:
    return next(r for r in rows if r and r[0] == first)


def test_network_outcomes_pair_baseline_and_follow_up(world: World, client_for: ClientFor) -> None:
    pairs = [(2, 4), (3, 3), (1, 4), (2, 3), (3, 5)]  # worked by hand in test_small_numbers
    outcome_pairs(world.group, pairs)
    url = reverse("impact:outcomes", args=[world.network.slug])
    page = client_for(world.admin).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Baseline and 6 months" in html
    rows = _csv_rows(
        client_for(world.admin)
        .get(reverse("impact:outcomes_csv", args=[world.network.slug]))
        .content
    )
    confidence = _row(rows, "Confidence as a leader (1 to 5)")
    assert confidence == [
        "Confidence as a leader (1 to 5)",
        "2.2",
        "3.8",
        "+1.60",
        "+0.18 to +3.02",
        "5",
    ]
    rate = _row(rows, "Baseline")
    assert rate == ["Baseline", "5", "5", "100 %"]


def test_four_pairs_are_never_shown_anywhere(world: World, client_for: ClientFor) -> None:
    outcome_pairs(world.group, [(1, 5), (1, 5), (1, 5), (1, 5)])
    client = client_for(world.admin)
    html = client.get(reverse("impact:outcomes", args=[world.network.slug])).content.decode()
    rows = _csv_rows(client.get(reverse("impact:outcomes_csv", args=[world.network.slug])).content)
    confidence = _row(rows, "Confidence as a leader (1 to 5)")
    assert confidence == ["Confidence as a leader (1 to 5)", "", "", "", "", "fewer than 5"]
    for text in ("+4.00", "5.0", "1.0"):
        assert text not in html
    assert "not enough responses" in html


def _meeting_scores(world: World, group_scores: dict[str, list[int]]) -> None:
    groups = {"Tuesday Leaders": world.group, "Thursday Circle": world.other_group}
    third = factories.make_group(world.network, "Friday Forum", weekday=4)
    groups["Friday Forum"] = third
    for name, scores in group_scores.items():
        group = groups[name]
        meeting = factories.make_past_meeting(group, months_ago=4)
        people = [factories.add_member(group).user for _ in scores]
        closed_round(
            group,
            "after_meeting",
            {
                p: {"worth": s, "most_useful": "The issues"}
                for p, s in zip(people, scores, strict=True)
            },
            meeting=meeting,
            days_ago=20,
        )


def test_value_by_group_hides_four_and_a_second_group_so_none_is_recovered_by_difference(
    world: World, client_for: ClientFor
) -> None:
    _meeting_scores(
        world,
        {
            "Tuesday Leaders": [8, 8, 8, 8, 8, 8, 8],
            "Thursday Circle": [9, 9, 9, 9, 9, 9],
            "Friday Forum": [1, 1, 1, 1],
        },
    )
    table = next(t for t in dashboards.outcomes(world.network) if t.key == "value_by_group")
    (row,) = table.rows
    cells = dict(zip(table.columns, row, strict=True))
    assert cells["Friday Forum"] == "not enough responses"
    assert cells["Thursday Circle"] == "not enough responses"
    assert cells["Tuesday Leaders"] == "8.0 (7)"
    total_mean = (8 * 7 + 9 * 6 + 1 * 4) / 17
    assert cells["All groups"] == f"{total_mean:.1f} (17)"
    # The attack: the total minus every shown group gives ten people, never Friday's four.
    left = (total_mean * 17 - 8 * 7) / (17 - 7)
    assert round(left, 1) != 1.0
    csv_text = (
        client_for(world.admin)
        .get(reverse("impact:outcomes_csv", args=[world.network.slug]))
        .content.decode()
    )
    assert "(4)" not in csv_text and "(6)" not in csv_text and "9.0" not in csv_text


def test_five_in_every_group_are_all_shown(world: World) -> None:
    _meeting_scores(
        world,
        {"Tuesday Leaders": [7] * 5, "Thursday Circle": [9] * 5, "Friday Forum": [2] * 5},
    )
    table = next(t for t in dashboards.outcomes(world.network) if t.key == "value_by_group")
    cells = dict(zip(table.columns, table.rows[0], strict=True))
    assert cells["Tuesday Leaders"] == "7.0 (5)"
    assert cells["Friday Forum"] == "2.0 (5)"
    assert cells["All groups"] == "6.0 (15)"


def test_the_chair_sees_group_health_from_five_answers_with_comments_and_no_names(
    world: World, client_for: ClientFor
) -> None:
    meeting = factories.make_past_meeting(world.group, months_ago=5)
    people = [factories.add_member(world.group).user for _ in range(5)]
    closed_round(
        world.group,
        "after_meeting",
        {p: {"worth": s} for p, s in zip(people, [6, 7, 8, 9, 10], strict=True)},
        meeting=meeting,
    )
    closed_round(
        world.group,
        "group_health",
        {},
        asked=people,
        anonymous_answers=[
            {"trust": t, "confidentiality": 5, "heard": 4, "chair": 4, "comment": c}
            for t, c in zip([3, 4, 4, 5, 5], ["Zed", "alpha", "Beta", "", "gamma"], strict=True)
        ],
    )
    url = reverse("impact:group_health", args=[world.group.pk])
    html = client_for(world.chair).get(url).content.decode()
    rows = _csv_rows(
        client_for(world.chair)
        .get(reverse("impact:group_health_csv", args=[world.group.pk]))
        .content
    )
    assert _row(rows, "Trust") == ["Trust", "4.2", "5"]
    value_label = next(r for r in rows if len(r) == 3 and r[2] == "5" and r[1] == "8.0")
    assert value_label
    # Four comments (one blank): fewer than five, so none is shown.
    assert "alpha" not in html and "Zed" not in html
    assert [r for r in rows if r and r[0] == "comment"] == []
    assert client_for(world.member).get(url).status_code == 404
    assert client_for(world.admin).get(url).status_code == 200
