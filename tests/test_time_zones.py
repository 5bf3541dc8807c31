"""The zone picker: canonical zones only, common ones first, grouped by region."""

from django import forms

from peerpower.lib.timezones import (
    canonical_time_zone,
    canonical_time_zones,
    time_zone_choices,
    time_zone_label,
)


def test_the_picker_offers_common_zones_first_then_regions() -> None:
    groups = [group for group, _ in time_zone_choices()]
    assert groups == [
        "Common time zones",
        "Africa",
        "Americas",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic Ocean",
        "Australia",
        "Europe",
        "Indian Ocean",
        "Pacific Ocean",
    ]
    common = dict(time_zone_choices())["Common time zones"]
    assert common[:3] == [
        ("Europe/London", "London — United Kingdom"),
        ("Europe/Dublin", "Dublin — Ireland"),
        ("UTC", "UTC"),
    ]


def test_no_deprecated_alias_is_offered() -> None:
    offered = {zone for _, choices in time_zone_choices() for zone, _ in choices}
    for alias in ("GB", "US/Eastern", "Europe/Kiev", "Asia/Calcutta", "Etc/GMT+5", "EST5EDT"):
        assert alias not in offered
    assert {"Europe/Kyiv", "Asia/Kolkata", "America/Argentina/Buenos_Aires"} <= offered
    assert offered == set(canonical_time_zones())


def test_each_zone_reads_city_then_country() -> None:
    assert time_zone_label("America/Argentina/Buenos_Aires") == "Buenos Aires — Argentina"
    assert time_zone_label("America/New_York") == "New York — United States"
    assert time_zone_label("Asia/Singapore") == "Singapore"


def test_an_old_alias_maps_to_its_canonical_zone() -> None:
    assert canonical_time_zone("GB") == "Europe/London"
    assert canonical_time_zone("Europe/Kiev") == "Europe/Kyiv"
    assert canonical_time_zone("Europe/London") == "Europe/London"


def test_a_select_renders_the_groups_as_optgroups_with_one_selected() -> None:
    field = forms.ChoiceField(choices=time_zone_choices)
    html = field.widget.render("time_zone", "Europe/London")
    assert '<optgroup label="Common time zones">' in html
    assert '<optgroup label="Europe">' in html
    assert html.count("selected") == 1  # London is in Common and in Europe; one is chosen
    assert field.clean("Europe/Paris") == "Europe/Paris"
