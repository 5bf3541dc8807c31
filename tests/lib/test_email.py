"""Emails: the subject and plain text say what people wrote, unescaped; the HTML part escapes it."""

from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks

from peerpower.accounts.actions import invitation_create
from tests.conftest import World

NAME = """Tom's "Leaders" & <Co>"""


def test_subject_and_text_are_not_html_escaped_and_the_html_part_is(
    world: World, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    world.group.name = NAME
    world.group.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            network=world.network,
            group=world.group,
            role="member",
            email="new@example.org",
            by=world.chair,
        )
    [message] = mail.outbox
    assert message.subject == f"You're invited to {NAME} on Peer Power"
    assert f"to join {NAME} as member" in message.body
    assert "&#x27;" not in message.body and "&quot;" not in message.body
    [(html, mimetype)] = message.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert "Tom&#x27;s &quot;Leaders&quot; &amp; &lt;Co&gt;" in html
    assert "<Co>" not in html
