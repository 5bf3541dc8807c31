"""In-process helper for bench/run.py: log the demo member in and count each page's SQL queries.

Run by bench/run.py with PEERPOWER_VAR_DIR pointing at its throwaway data directory, after the
demo data is loaded:  .venv/bin/python bench/probe.py
Prints one JSON object on the last line of stdout:
  session_cookie, sessions {member, pledged, chair: key}, user_name, chair_name, group_id,
  group_name, meeting_id, django_version,
  queries: {page: {"status": int, "count": int, "sql": [str, ...]}}

Sessions are made the way django.contrib.auth.login() makes one (user id, backend and the
password-derived hash), without the login form. Three people are measured: the demo member
(who has not accepted the pledge, so sees the pledge on the issues page), a member of the same
group who has, and the group's chair. The chair's session carries a passed two-factor check,
as it would after logging in with their code.
"""

import json
import os
import sys
import time
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

from peerpower.accounts.middleware import MFA_SESSION_KEY  # noqa: E402
from peerpower.accounts.models import User  # noqa: E402
from peerpower.groups.models import Membership, PeerGroup  # noqa: E402
from peerpower.meetings.models import Meeting  # noqa: E402
from peerpower.meetings.queries import meetings_for, upcoming  # noqa: E402

MEMBER_EMAIL = "member@demo.peerpower.test"
GROUP_NAME = "Tuesday Leaders"
PUBLIC_PAGE = "/n/northbridge/"


def make_session(user: User) -> str:
    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    # As after a log-in with the second step: the policy check is remembered for the run.
    session[MFA_SESSION_KEY] = time.time() + 24 * 3600
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

    chair = group.memberships.get(role=Membership.Role.CHAIR, status="active").user
    pledged = (
        group.memberships.filter(
            role=Membership.Role.MEMBER, status="active", pledge_accepted_at__isnull=False
        )
        .order_by("pk")
        .first()
    )
    if pledged is None:
        raise SystemExit(f"probe: nobody in {GROUP_NAME} has accepted the pledge in the demo")
    people = {"member": user, "pledged": pledged.user, "chair": chair}
    sessions = {who: make_session(person) for who, person in people.items()}
    m = meeting.pk
    # (key in the output, path, whose session or None): the bare view is counted both as a
    # load balancer calls it (no cookie) and with the member's session cookie, as the HTTP
    # benchmark does.
    pages = [
        ("/healthz", "/healthz", None),
        ("/healthz+session", "/healthz", "member"),
        ("/", "/", "member"),
        (f"/groups/{group.pk}/", f"/groups/{group.pk}/", "member"),
        (f"/meetings/{m}/", f"/meetings/{m}/", "member"),
        ("issues as member", f"/meetings/{m}/issues/", "pledged"),
        ("issues as chair", f"/meetings/{m}/issues/", "chair"),
        ("home as chair", "/", "chair"),
        ("group as chair", f"/groups/{group.pk}/", "chair"),
        ("room as member", f"/meetings/{m}/room/", "pledged"),
        ("room as chair", f"/meetings/{m}/room/", "chair"),
        # The network's public page: anonymous visitors get the cached page after the first;
        # a logged-in person always gets it rendered afresh (the cold cost).
        ("public page, warm", PUBLIC_PAGE, None),
        ("public page, rendered", PUBLIC_PAGE, "member"),
    ]

    # Separate sessions for the in-process clients, so nothing they do touches the ones the
    # HTTP benchmark uses.
    clients: dict[str | None, Client] = {None: Client()}
    for who, person in people.items():
        clients[who] = Client()
        clients[who].cookies[settings.SESSION_COOKIE_NAME] = make_session(person)
    queries: dict[str, dict[str, object]] = {}
    for name, path, who in pages:
        client = clients[who]
        client.get(path)  # warm-up: first-use caches (content types, templates) are not counted
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        queries[name] = {
            "status": response.status_code,
            "count": len(captured.captured_queries),
            "sql": [q["sql"] for q in captured.captured_queries],
            "path": path,
            "who": who,
        }

    print(
        json.dumps(
            {
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "sessions": sessions,
                "user_name": user.display_name,
                "chair_name": chair.display_name,
                "pledged_name": pledged.user.display_name,
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
