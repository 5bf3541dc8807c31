"""An error half-way through a view that handles members' words: what the report mailed to
ADMINS carries."""

import pytest
from django.core import mail
from django.test import Client, override_settings

from peerpower.issues import actions
from tests.issues.conftest import Session
from tests.leaks import Markers


@override_settings(ADMINS=[("Ops", "ops@example.org")])
@pytest.mark.parametrize("include_html", [False, True])
def test_an_error_while_editing_an_issue_reports_none_of_its_words(
    session: Session, monkeypatch: pytest.MonkeyPatch, include_html: bool
) -> None:
    """issue_edit keeps the issue's current words in a local `initial` dict; the view is
    wrapped in sensitive_post_parameters only, so the frame's variables go into the report."""
    import logging

    marks = Markers("report")
    issue = actions.issue_submit(
        meeting=session.meeting,
        presenter=session.alice,
        question=marks("question"),
        why_now=marks("why_now"),
    )

    def boom(**kwargs: object) -> None:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(actions, "issue_update", boom)
    handler = next(
        h
        for h in logging.getLogger("django").handlers
        if h.__class__.__name__ == "AdminEmailHandler"
    )
    monkeypatch.setattr(handler, "include_html", include_html)
    client = Client(raise_request_exception=False)
    client.force_login(session.alice)
    response = client.post(f"/issues/{issue.pk}/edit/", {"question": "new words", "urgency": "2"})
    assert response.status_code == 500
    assert mail.outbox, "no error report mailed"
    report = "\n".join(
        [str(mail.outbox[-1].body)]
        + [str(c) for c, _ in getattr(mail.outbox[-1], "alternatives", [])]
    )
    assert marks.found_in(report) == [], "the report to ADMINS carries " + str(
        marks.found_in(report)
    )
