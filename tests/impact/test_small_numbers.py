"""The small-numbers rule and the statistics, checked against figures worked out by hand."""

import pytest

from peerpower.impact.figures import count_figures, median, paired_change, summarise, t_975, texts
from peerpower.lib.small_numbers import suppressed


def test_four_respondents_are_hidden_five_are_shown() -> None:
    four, five = summarise({"four": [1, 2, 3, 4], "five": [1, 2, 3, 4, 5]})
    assert (four.n, four.mean, four.n_text) == (None, None, "fewer than 5")
    assert (five.n, five.mean) == (5, 3.0)


def test_a_hidden_subgroup_cannot_be_recovered_from_the_total() -> None:
    """Group total minus the visible subgroups would give the hidden one: a second is hidden."""
    cells = {
        "Tuesday": [4, 4, 4, 4, 4, 4, 4],
        "Thursday": [5, 5, 5, 5, 5, 5],
        "Friday": [1, 1, 1, 1],  # four: hidden
        "All groups": [4] * 7 + [5] * 6 + [1] * 4,
    }
    figures = {f.label: f for f in summarise(cells, total="All groups")}
    assert not figures["Friday"].shown
    assert not figures["Thursday"].shown  # the smallest other one, so Friday stays hidden
    assert figures["Tuesday"].shown and figures["All groups"].shown
    # The attack: total minus every visible subgroup leaves Friday and Thursday together,
    # ten people, not Friday's four.
    total, tuesday = figures["All groups"], figures["Tuesday"]
    assert total.n is not None and total.mean is not None and tuesday.n is not None
    left_n = total.n - tuesday.n
    assert left_n == 10
    left_mean = (total.n * total.mean - tuesday.n * (tuesday.mean or 0)) / left_n
    assert left_mean != pytest.approx(1.0)  # Friday's own mean is not recovered


def test_with_only_one_other_subgroup_the_total_is_hidden_instead() -> None:
    figures = {
        f.label: f
        for f in summarise({"A": [3] * 3, "B": [4] * 9, "All": [3] * 3 + [4] * 9}, total="All")
    }
    assert not figures["A"].shown
    assert not figures["B"].shown or not figures["All"].shown
    shown = [f for f in figures.values() if f.shown]
    # Whatever is left cannot give A: at most one cell of the three.
    assert len(shown) <= 1


def test_two_small_hidden_subgroups_together_under_five_hide_a_third() -> None:
    counts = {"A": 1, "B": 2, "C": 6, "D": 8, "total": 17}
    hidden = suppressed(counts, total="total")
    assert {"A", "B", "C"} <= hidden and "D" not in hidden and "total" not in hidden
    assert sum(counts[k] for k in hidden if k != "total") >= 5


def test_a_total_under_five_hides_every_part_and_empty_parts_need_no_partner() -> None:
    assert suppressed({"A": 2, "B": 2, "all": 4}, total="all") == {"A", "B", "all"}
    assert suppressed({"A": 0, "B": 7, "all": 7}, total="all") == {"A"}


def test_counts_follow_the_same_rule() -> None:
    figures = count_figures({"Arts": 4, "Health": 9, "Youth": 12, "All": 25}, total="All")
    assert [f.label for f in figures if not f.shown] == ["Arts", "Health"]


def test_free_text_needs_five_answers_and_comes_alphabetically() -> None:
    assert texts(["b", "a", "c", "d"]) == []
    assert texts(["b", "A", "c", "d", "e", " "]) == ["A", "b", "c", "d", "e"]


def test_a_paired_change_and_its_interval_by_hand() -> None:
    """Pairs (2,4) (3,3) (1,4) (2,3) (3,5): changes 2, 0, 3, 1, 2; mean 1.6; squared
    deviations 0.16 + 2.56 + 1.96 + 0.36 + 0.16 = 5.2; s² = 5.2 / 4 = 1.3; s = 1.140175;
    se = s / √5 = 0.509902; t(0.975, 4) = 2.776; half width 1.415488; so 0.184512 to
    3.015488. Before 2.2, after 3.8."""
    change = paired_change("confidence", [(2, 4), (3, 3), (1, 4), (2, 3), (3, 5)])
    assert change.n == 5
    assert change.before == pytest.approx(2.2)
    assert change.after == pytest.approx(3.8)
    assert change.mean_change == pytest.approx(1.6)
    assert change.low == pytest.approx(0.184512, abs=1e-6)
    assert change.high == pytest.approx(3.015488, abs=1e-6)


def test_a_second_paired_change_by_hand_with_a_fall() -> None:
    """Six pairs, changes -1, -2, 0, -1, -3, -2 (sum -9): mean -1.5; deviations 0.5, -0.5,
    1.5, 0.5, -1.5, -0.5, squares sum 0.25*4 + 2.25*2 = 5.5; s² = 1.1; s = 1.048809;
    se = 0.428174; t(0.975, 5) = 2.571; half 1.100836: -2.600836 to -0.399164."""
    pairs = [(5, 4), (6, 4), (3, 3), (4, 3), (7, 4), (5, 3)]
    change = paired_change("anxious", pairs)
    assert change.mean_change == pytest.approx(-1.5)
    assert change.low == pytest.approx(-2.600836, abs=1e-6)
    assert change.high == pytest.approx(-0.399164, abs=1e-6)


def test_four_pairs_give_no_change_at_all() -> None:
    change = paired_change("board", [(1, 2), (2, 3), (3, 4), (4, 5)])
    assert not change.shown
    assert (change.mean_change, change.low, change.before) == (None, None, None)


def test_t_points_and_the_median() -> None:
    assert (t_975(4), t_975(30), t_975(35), t_975(1000)) == (2.776, 2.042, 2.021, 1.96)
    with pytest.raises(ValueError):
        t_975(0)
    assert median([1, 2, 3, 4]) is None
    assert median([5, 1, 3, 2, 4]) == 3
    assert median([1, 2, 3, 4, 5, 6]) == 3.5
