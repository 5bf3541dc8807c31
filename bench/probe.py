"""In-process helper for bench/run.py: log the demo member in and count each page's SQL queries.

Run by bench/run.py with PEERPOWER_VAR_DIR pointing at its throwaway data directory, after the
demo data is loaded:  .venv/bin/python bench/probe.py
Prints one JSON object on the last line of stdout:
  session_cookie, session_key, user_name, group_id, group_name, meeting_id, django_version,
  queries: {page: {"status": int, "count": int, "sql": [str, ...]}}

The session is made the way django.contrib.auth.login() makes one (user id, backend and the
password-derived hash), without the login form, so the admin/chair MFA step never arises: the
benchmarked account is a plain member, who needs no MFA anyway.
"""

import json
import os
import sys
from importlib import import_module

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerpower.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from peerpower.accounts.models import User  # noqa: E402
from peerpower.groups.models import PeerGroup  # noqa: E402
from peerpower.meetings.models import Meeting  # noqa: E402
from peerpower.meetings.queries import meetings_for, upcoming  # noqa: E402

MEMBER_EMAIL = "member@demo.peerpower.test"
GROUP_NAME = "Tuesday Leaders"


def make_session(user: User) -> str:
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    key = session.session_key
    if not key:
        raise SystemExit("probe: the session store returned no key")
    return key


def main() -> None:
    user = User.objects.get(email=MEMBER_EMAIL)
    group = PeerGroup.objects.get(name=GROUP_NAME, memberships__user=user)
    # The member's next scheduled meeting, chosen as the home page chooses it.
    meeting = (
        upcoming(meetings_for(user), timezone.now())
        .filter(group=group, status=Meeting.Status.SCHEDULED)
        .first()
    )
    if meeting is None:
        raise SystemExit(f"probe: {GROUP_NAME} has no upcoming meeting in the demo data")

    key = make_session(user)
    # (key in the output, path, logged in?): the bare view is counted both as a load balancer
    # calls it (no cookie) and with the member's session cookie, as the HTTP benchmark does.
    pages = [
        ("/healthz", "/healthz", False),
        ("/healthz+session", "/healthz", True),
        ("/", "/", True),
        (f"/groups/{group.pk}/", f"/groups/{group.pk}/", True),
        (f"/meetings/{meeting.pk}/", f"/meetings/{meeting.pk}/", True),
    ]

    anonymous = Client()
    # A separate session for the in-process client, so nothing it does touches the one the
    # HTTP benchmark uses.
    member = Client()
    member.cookies[settings.SESSION_COOKIE_NAME] = make_session(user)
    queries: dict[str, dict[str, object]] = {}
    for name, path, logged_in in pages:
        client = member if logged_in else anonymous
        client.get(path)  # warm-up: first-use caches (content types, templates) are not counted
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries[name] = {
            "status": response.status_code,
            "count": len(captured.captured_queries),
            "sql": [q["sql"] for q in captured.captured_queries],
        }

    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "session_key": key,
                "user_name": user.display_name,
                "group_id": group.pk,
                "group_name": group.name,
                "meeting_id": meeting.pk,
                "django_version": django.get_version(),
                "queries": queries,
            }
        )
    )


if __name__ == "__main__":
    main()
    sys.exit(0)
