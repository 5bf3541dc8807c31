"""The POST path of the accounts views not covered elsewhere: settings and the calendar link."""

from django.urls import reverse

from tests.conftest import ClientFor, World


def test_a_person_changes_their_settings(world: World, client_for: ClientFor) -> None:
    response = client_for(world.member).post(
        reverse("account_settings"),
        {"name": "Maya M. Member", "time_zone": "Europe/Dublin", "remind_day_before": "on"},
    )
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert (world.member.name, world.member.time_zone) == ("Maya M. Member", "Europe/Dublin")
    assert (world.member.remind_week_before, world.member.remind_day_before) == (False, True)


def test_a_bad_time_zone_is_refused_beside_the_field(world: World, client_for: ClientFor) -> None:
    response = client_for(world.member).post(
        reverse("account_settings"), {"name": "Maya", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["time_zone"]
    world.member.refresh_from_db()
    assert world.member.name == "Maya Member"


def test_replacing_the_calendar_link_stops_the_old_one(world: World, client_for: ClientFor) -> None:
    old = world.member.calendar_token
    response = client_for(world.member).post(reverse("calendar_settings"))
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert world.member.calendar_token != old
    assert client_for(None).get(reverse("meetings:feed", args=[old])).status_code == 404


def test_the_calendar_page_offers_one_click_subscriptions(
    world: World, client_for: ClientFor
) -> None:
    token = world.member.calendar_token
    response = client_for(world.member).get(reverse("calendar_settings"))
    assert response.status_code == 200
    page = response.content.decode()
    feed = f"http://testserver/calendar/{token}.ics"
    assert f'value="{feed}"' in page
    links = {s.service: s.url for s in response.context["subscriptions"]}
    webcal = f"webcal://testserver/calendar/{token}.ics"
    encoded_webcal = f"webcal%3A%2F%2Ftestserver%2Fcalendar%2F{token}.ics"
    encoded_feed = f"http%3A%2F%2Ftestserver%2Fcalendar%2F{token}.ics"
    assert links == {
        "Apple Calendar or Outlook on your computer": webcal,
        "Google Calendar": f"https://calendar.google.com/calendar/r?cid={encoded_webcal}",
        "Outlook.com": "https://outlook.live.com/calendar/0/addfromweb"
        f"?url={encoded_feed}&name=Peer+Power+meetings",
        "Outlook for work or school (Microsoft 365)": "https://outlook.office.com/calendar/0/"
        f"addfromweb?url={encoded_feed}&name=Peer+Power+meetings",
    }
    for url in links.values():
        assert f'href="{url.replace("&", "&amp;")}"' in page
    # Replacing is asked about first and says what it does to subscribed calendars.
    assert "Every calendar subscribed to the current link stops updating." in page
    assert "copy.js" in page
