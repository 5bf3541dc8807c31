"""The survey pages: the home page lists what waits; answering through the form; someone
else's invitation is a 404; the admin's editor."""

from django.urls import reverse

from peerpower.impact.models import Response, Survey
from tests.conftest import ClientFor, World
from tests.impact.conftest import BASELINE, close, send


def _post(answers: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in answers.items() if v is not None}


def test_the_home_page_lists_a_waiting_survey_until_it_is_answered(
    world: World, client_for: ClientFor
) -> None:
    invitation = send(world, "baseline", [world.member])[world.member]
    client = client_for(world.member)
    home = client.get(reverse("home")).content.decode()
    assert "Surveys waiting for you" in home
    url = reverse("impact:answer", args=[invitation.pk])
    assert url in home
    page = client.get(url)
    assert page.status_code == 200
    assert "How confident do you feel as a leader?" in page.content.decode()
    response = client.post(url, _post(BASELINE))
    assert response.status_code == 302
    assert Response.objects.get().answers["staff"] == 12
    assert url not in client.get(reverse("home")).content.decode()
    mine = client.get(reverse("impact:mine")).content.decode()
    assert "Answered" in mine
    again = client.get(url).content.decode()
    assert "you can change your answers" in again
    assert 'value="12"' in again


def test_a_bad_answer_comes_back_with_the_reason_beside_the_question(
    world: World, client_for: ClientFor
) -> None:
    invitation = send(world, "baseline", [world.member])[world.member]
    url = reverse("impact:answer", args=[invitation.pk])
    response = client_for(world.member).post(url, {**_post(BASELINE), "confidence": ""})
    assert response.status_code == 400
    assert 'id="id_confidence_error"' in response.content.decode()
    assert "Answer this question." in response.content.decode()
    assert not Response.objects.exists()


def test_a_closed_survey_says_so_and_someone_elses_is_a_404(
    world: World, client_for: ClientFor
) -> None:
    invitation = send(world, "after_meeting", [world.member])[world.member]
    url = reverse("impact:answer", args=[invitation.pk])
    assert client_for(world.chair).get(url).status_code == 404
    close(invitation)
    page = client_for(world.member).get(url).content.decode()
    assert "This survey has closed" in page
    assert client_for(world.member).post(url, {"worth": "9"}).status_code == 400


def test_the_admin_edits_a_survey(world: World, client_for: ClientFor) -> None:
    client = client_for(world.admin)
    listing = client.get(reverse("impact:surveys", args=[world.network.slug])).content.decode()
    builtin = Survey.objects.get(network=None, kind="exit")
    url = reverse("impact:survey_edit", args=[world.network.slug, builtin.pk])
    assert url in listing
    form = {
        "title": "Leaving us",
        "intro": "Thank you.",
        **{f"text_{q.key}": q.text for q in builtin.questions.all()},
        **{f"required_{q.key}": "on" for q in builtin.questions.all() if q.required},
    }
    assert client.post(url, form).status_code == 302
    own = Survey.objects.get(network=world.network, kind="exit")
    assert own.title == "Leaving us"
    assert client.post(url, {**form, "title": ""}).status_code == 400
