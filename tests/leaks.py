"""The confidentiality walk: plant markers, then look everywhere a person could read them.

A test plants a unique marker in every confidential field (`markers("question")` makes one and
records it), then asks where people could read any of them:

- `walk(people, objects, markers)`: each person fetches every URL pattern of the project,
  pointed at the planted objects (`objects` maps a kind — "meeting", "issue", … — to its pk;
  see `tests.urlwalk.PK_OF`), plainly and as htmx, their own calendar feed included;
- `read_mail(markers)`: every email sent so far (subject, bodies, attachments);
- `read_feeds(users, markers)`: calendar feeds, even of the group's own members;
- `markers.found_in(caplog.text)`: the log.

Each returns a list of findings ("who: where: which marker"); a test asserts it is empty. Run
`walk` again after a change of role or state (someone leaves, a chair is replaced, a meeting is
moved) with the people that change concerns. A new app plants its markers with the same
`Markers`, adds its URLs' pk kinds to `tests.urlwalk.PK_OF`, and calls the same functions.
"""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from django.core import mail
from django.http import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.groups.models import Membership
from tests import factories, urlwalk
from tests.conftest import World

# Fetching these would end the session the rest of the walk needs.
SKIPPED = frozenset({"account_logout", "admin:logout"})


class Markers:
    """The markers one test planted, by field name."""

    def __init__(self, tag: str = "7f3a") -> None:
        self.tag = tag
        self.planted: dict[str, str] = {}

    def __call__(self, field: str) -> str:
        """The marker for `field` (the same string each time), recorded as planted."""
        value = f"LEAKMARK-{field.upper()}-{self.tag}"
        self.planted[field] = value
        return value

    def all(self) -> list[str]:
        return list(self.planted.values())

    def found_in(self, text: str) -> list[str]:
        """The planted markers that appear in `text`."""
        return [m for m in self.planted.values() if m in text]


def body_of(response: HttpResponseBase) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode(errors="replace")  # type: ignore[attr-defined, no-any-return]


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def fetch_everything(client: Client, objects: Mapping[str, object], markers: Markers) -> list[str]:
    """GET every URL pattern, plainly and as htmx; return each marker found, and where."""
    found = []
    for name, pattern in urlwalk.all_patterns():
        if name in SKIPPED:
            continue
        url = urlwalk.url_for(name, pattern, objects)
        for response in (client.get(url), client.get(url, {"v": "0"}, HTTP_HX_REQUEST="true")):
            found += [f"{name} ({url}): {m}" for m in markers.found_in(body_of(response))]
    return found


def walk(
    people: Mapping[str, User | None], objects: Mapping[str, object], markers: Markers
) -> list[str]:
    """Every marker any of `people` (role -> person; None: anonymous) can read on any page.

    Each person's calendar-feed URL carries their own token.
    """
    found: list[str] = []
    for role, user in people.items():
        mine = {**objects, "token": user.calendar_token if user else "none"}
        found += [f"{role}: {where}" for where in fetch_everything(client_of(user), mine, markers)]
    return found


def read_mail(markers: Markers) -> list[str]:
    """Every marker in any email sent so far: subject, text, alternatives, attachments."""
    found: list[str] = []
    for message in mail.outbox:
        parts = [str(message.subject), str(message.body)]
        parts += [str(content) for content, _ in getattr(message, "alternatives", [])]
        parts += [str(content) for _, content, _ in message.attachments]
        found += [f"email {message.subject!r}: {m}" for m in markers.found_in("\n".join(parts))]
    return found


def read_feeds(users: Iterable[User], markers: Markers) -> list[str]:
    """Every marker in these people's calendar feeds (which must answer)."""
    found: list[str] = []
    for user in users:
        feed = Client().get(reverse("meetings:feed", args=[user.calendar_token]))
        assert feed.status_code == 200, user
        found += [f"feed of {user}: {m}" for m in markers.found_in(body_of(feed))]
    return found


def outsiders(world: World, *, joined_after: date | None = None) -> dict[str, User | None]:
    """Everyone around the world's group who must see nothing of what is said in it.

    With `joined_after` (a date), also a pledged member of the group who joined on the day
    after it: the joined-later rule keeps earlier meetings from them.
    """
    people: dict[str, User | None] = {
        "network admin": world.admin,
        "member of another group": world.other_member,
        "coach": world.coach,
        "speaker": world.speaker,
        # Invited as a guest to the group's next meeting, pledged (tests/guests/builders.py).
        "guest": world.guest,
        # A sponsor's contact sees aggregates of the places their sponsor funds, nothing else.
        "sponsor": world.sponsor,
        "former member": world.former_member,
    }
    if joined_after is not None:
        latecomer = factories.add_member(world.group, factories.make_user("Late Comer")).user
        Membership.objects.filter(user=latecomer, group=world.group).update(
            joined_on=joined_after + timedelta(days=1), pledge_accepted_at=timezone.now()
        )
        people["member who joined after"] = latecomer
    # The admin of a second network on the same install, which has a group of its own.
    southgate = factories.make_network()
    people["admin of another network"] = factories.make_admin(southgate, "Sam Southgate")
    factories.add_member(factories.make_group(southgate), factories.make_user("Sol South"))
    superuser = factories.make_user("Super User", mfa=True)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    people["superuser (Django admin)"] = superuser
    people["anonymous"] = None
    return people
