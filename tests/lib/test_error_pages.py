"""Error pages: the site's layout, a plain explanation and a way home, and nothing that tells a
private thing from a missing one."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import ClientFor, World

HOME_LINK = '<a class="btn btn-primary" href="/">Go to your home page</a>'


def page_of(body: bytes) -> str:
    """The page without its per-request CSRF tokens."""
    page = re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', body.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', page)


def assert_is_site_page(body: str, heading: str) -> None:
    assert '<nav class="navbar' in body and 'aria-label="Main"' in body  # the site's layout
    assert f'<h1 class="h2">{heading}</h1>' in body
    assert HOME_LINK in body
    assert "Traceback" not in body


def test_a_private_group_and_a_missing_one_get_the_same_404(
    world: World, client_for: ClientFor
) -> None:
    outsider = client_for(world.other_member)
    private = outsider.get(reverse("groups:detail", args=[world.group.pk]))
    missing = outsider.get(reverse("groups:detail", args=[999999]))
    assert private.status_code == missing.status_code == 404
    assert page_of(private.content) == page_of(missing.content)
    assert_is_site_page(page_of(private.content), "We can't find that page")
    assert world.group.name not in page_of(private.content)


def test_a_private_issue_and_a_missing_one_get_the_same_404(
    world: World, client_for: ClientFor
) -> None:
    from peerpower.issues.actions import issue_submit

    world.group.memberships.filter(user=world.member).update(pledge_accepted_at=timezone.now())
    issue = issue_submit(meeting=world.next_meeting(), presenter=world.member, question="Q?")
    outsider = client_for(world.other_member)
    private = outsider.get(reverse("issues:detail", args=[issue.pk]))
    missing = outsider.get(reverse("issues:detail", args=[issue.pk + 1000]))
    assert private.status_code == missing.status_code == 404
    assert page_of(private.content) == page_of(missing.content)


@pytest.mark.urls("tests.lib.boom_urls")
def test_403_explains_without_repeating_the_reason(client_for: ClientFor, world: World) -> None:
    response = client_for(world.member).get("/boom/forbidden/")
    assert response.status_code == 403
    body = page_of(response.content)
    assert_is_site_page(body, "You can't do that here")
    assert "Group 7" not in body


@pytest.mark.urls("tests.lib.boom_urls")
def test_400_has_the_site_layout(db: None) -> None:
    response = Client().get("/boom/bad/")
    assert response.status_code == 400
    assert_is_site_page(page_of(response.content), "We couldn't understand that request")


@pytest.mark.urls("tests.lib.boom_urls")
def test_500_has_the_site_layout_and_no_details(db: None) -> None:
    response = Client(raise_request_exception=False).get("/boom/fail/")
    assert response.status_code == 500
    body = page_of(response.content)
    assert_is_site_page(body, "Sorry, something went wrong on our side")
    assert "the database said no" not in body and "RuntimeError" not in body


def test_405_has_the_site_layout_and_keeps_its_allow_header(
    world: World, client_for: ClientFor
) -> None:
    response = client_for(world.member).get(reverse("groups:pledge", args=[world.group.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert_is_site_page(page_of(response.content), "This address works only from its page")


def test_a_form_posted_without_its_csrf_token_gets_a_plain_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = client.post(reverse("groups:pledge", args=[world.group.pk]))
    assert response.status_code == 403
    body = page_of(response.content)
    assert_is_site_page(body, "That form had expired")
    assert "Nothing was saved." in body
    assert "Forbidden" not in body and "CSRF verification" not in body


def test_every_page_has_a_favicon_and_a_description(client: Client, db: None) -> None:
    body = client.get(reverse("account_login")).content.decode()
    assert '<link rel="icon" href="/static/peerpower/favicon.svg" type="image/svg+xml">' in body
    assert '<meta name="description" content="Peer Power runs peer-to-peer leadership' in body
    assert client.get("/static/peerpower/favicon.svg").status_code == 200


def test_favicon_ico_answers_with_the_icon_for_everyone(client: Client, db: None) -> None:
    """Browsers ask for /favicon.ico whatever the page links; it must not be a 404 (every page
    logged one in the console), nor a trip to the log-in or to two-factor set-up."""
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/peerpower/favicon.svg")
    chair_without_mfa = factories.add_member(
        factories.make_group(factories.make_network()), factories.make_user(), role="chair"
    ).user
    client.force_login(chair_without_mfa)
    response = client.get("/favicon.ico", follow=True)
    assert response.redirect_chain == [("/static/peerpower/favicon.svg", 302)]
    assert response.status_code == 200
