"""Walking every URL pattern of the project, for the access and leak tests.

`url_for(name, pattern, objects)` points a pattern at real objects: `objects` maps a kind of
object ("meeting", "issue", …) to its pk, and `PK_OF` says which kind each URL's `<pk>` names.
A new app adds its namespace (and any URL whose pk names something else) to `PK_OF`.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

# What the <pk> of a URL names: a namespace's default, then the exceptions by URL name.
PK_OF: dict[str, str] = {
    "groups": "group",
    "meetings": "meeting",
    "issues": "meeting",  # the issues session, the room: the meeting's pk
    "issues:detail": "issue",
    "issues:edit": "issue",
    "issues:delete": "issue",
    "issues:withdraw": "issue",
    "issues:restore": "issue",
    "issues:back": "issue",
    "issues:notes_share": "issue",
    "issues:commitment": "issue",
    "issues:report": "commitment",
    "issues:access_log": "group",
    "issues:own_record": "group",
    "invitation_revoke": "invitation",
    "invitation_restore": "invitation",  # the withdrawn invitation's
    "networks:venue_edit": "venue",
    "networks:venue_delete": "venue",
    "networks:partner_edit": "partner",
    "networks:partner_delete": "partner",
    "networks:organisation_edit": "organisation",
    "networks:organisation_delete": "organisation",
    "networks:protocol_edit": "protocol",
    "networks:protocol_delete": "protocol",
    "networks:remind_replies": "meeting",
    "speakers": "booking",  # the booking's pages; the exceptions:
    "speakers:profile": "speaker",
    "speakers:edit": "speaker",
    "speakers:invite": "speaker",
    "speakers:book": "speaker",
    "speakers:resource": "resource",
    "speakers:resource_delete": "resource",
    "speakers:programme": "group",
    "guests": "guest_request",
    "webhooks": "endpoint",
    "guests:group_settings": "group",
    "guests:meeting_guests": "meeting",
    "guests:chair_decide": "meeting",
    "guests:avoid_remove": "avoid",
    "privacy:person": "person",  # a person of the network, by user id
    "privacy:erase": "person",
    "coaching": "engagement",
    "impact": "invitation",
    "impact:survey_edit": "survey",
    "impact:group_health": "group",
    "impact:group_health_csv": "group",
    **{
        f"coaching:{name}": "session"
        for name in ("session", "reschedule", "cancel", "waive", "mark", "note")
    },
    "coaching:goal_progress": "goal",
    "coaching:goal_link": "goal",
    "coaching:rule_remove": "rule",
    "coaching:exception_remove": "exception",
    "fees": "place",  # the admin's place pages; the exceptions:
    "fees:plan": "fee_plan",
    "fees:plan_version": "fee_plan",
    "fees:plan_retire": "fee_plan",
    "fees:billing": "organisation",
    "fees:invoice": "invoice",
    "fees:invoice_pdf": "invoice",
    "fees:credit": "invoice",
    "fees:bursary": "bursary",
    "fees:sponsor": "sponsor",
    "fees:sponsor_page": "sponsor",
    "fees:agreement_invoice": "agreement",
    "networking": "profile",  # a profile's pages; the exceptions:
    "networking:introduce_members": "group",
    "networking:introduction": "introduction",
    "networking:answer": "introduction",
    "networking:opportunity": "opportunity",
    "networking:opportunity_extend": "opportunity",
    "networking:opportunity_close": "opportunity",
    "formation": "run",  # a run's pages; the exception:
    "formation:remove": "candidate",
    "api": "api_token",  # Your settings → API tokens: the token's pk
}

# Values for the parameters that name no object of ours (allauth's and the admin's).
OTHER_VALUES: dict[str, object] = {
    "object_id": "1",
    "app_label": "accounts",
    "content_type_id": "1",
    "key": "not-a-key",
    "uidb36": "1",
    "id": "1",
    # The guests app's second ids (a finding of a request; a request at a meeting).
    "finding_id": 999999,
    "request_id": 999999,
    # The HTTP API's path parameters (tests/api/test_access.py points them at real rows).
    "network_id": 999999,
    "group_id": 999999,
    "meeting_id": 999999,
}
MISSING_PK = 999999


def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def all_patterns() -> list[tuple[str, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def namespace_of(name: str) -> str:
    return name.rpartition(":")[0]


def pk_kind(name: str) -> str | None:
    """The kind of object the URL's <pk> names (None: not one of ours)."""
    return PK_OF.get(name) or PK_OF.get(namespace_of(name))


def parameters(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex)


def reverse_with(name: str, pattern: URLPattern, values: Mapping[str, object]) -> str:
    """Reverse `name` with the values its pattern takes."""
    kwargs = {k: v for k, v in values.items() if k in parameters(pattern)}
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # a name registered twice (allauth): the other form takes a pk
        return reverse(name, kwargs={"pk": MISSING_PK})


def url_for(name: str, pattern: URLPattern, objects: Mapping[str, object]) -> str:
    """The URL of `name` pointed at `objects` (kind -> pk, plus "slug" and "token" if known).

    A URL whose pk names a kind missing from `objects` gets a pk that exists nowhere.
    """
    kind = pk_kind(name)
    values = {
        **OTHER_VALUES,
        **objects,
        "pk": objects.get(kind, MISSING_PK) if kind else MISSING_PK,
    }
    return reverse_with(name, pattern, values)
