"""The HTTP API, version 1 (/api/v1/), built with django-ninja; OpenAPI 3.1 at
/api/v1/openapi.json (no browsable reference page: see docs_url below).

A request carries a personal access token (`Authorization: Bearer pp_…`). The token is looked
up by its hash on every request, so a revoked or expired one is refused from the next request;
its owner becomes `request.user`, and every answer comes from the same visibility queries and
rules as the pages (groups_visible_to, meetings_visible_to, meetings.actions.rsvp_set),
narrowed to the token's network. Nothing of the issues session is served, nor anyone's email
address or apology reason.
"""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params.functions import Path
from ninja.security import HttpBearer
from pydantic import field_validator

from peerpower.accounts.models import User
from peerpower.api import actions, queries
from peerpower.api.models import AccessToken
from peerpower.groups.models import Membership, PeerGroup
from peerpower.groups.queries import current_memberships, groups_visible_to
from peerpower.lib.rules import Refused, require
from peerpower.meetings import actions as meeting_actions
from peerpower.meetings.models import Meeting, Participation
from peerpower.meetings.queries import meetings_visible_to
from peerpower.networks.models import Network

MAX_LIMIT = 100


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


def _count_request(token: AccessToken) -> None:
    """One request more in this token's current window (a counter in the shared cache, so
    every app server counts together); RateLimited once over settings.API_RATE_LIMIT."""
    window = settings.API_RATE_WINDOW_SECONDS
    now = int(timezone.now().timestamp())
    start = now - now % window
    key = f"api:rate:{token.pk}:{start}"
    cache.add(key, 0, window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 5)
        count = 1
    if count > settings.API_RATE_LIMIT:
        raise RateLimited(start + window - now)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> AccessToken | None:
        row = queries.token_for(token)
        if row is None:
            return None
        _count_request(row)
        actions.token_used(token=row)
        request.user = row.user
        return row


class PeerPowerAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        """Every answer, an error too, is `Cache-Control: private, no-store`: what a token
        reads is that person's, and no proxy keeps it."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        patch_cache_control(response, private=True, no_store=True)
        return response


api = PeerPowerAPI(
    title="Peer Power API",
    version="1",
    description=(
        "Read your network's groups, members, meetings and agendas, and reply to meetings, "
        "with a personal access token (Your settings → API tokens). Never anything said "
        "in an issues session. See docs/api.md."
    ),
    urls_namespace="api_v1",
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    # No Swagger UI page: its own styles fail WCAG 2.2 AA colour contrast and its page has no
    # language, and every page of the site passes axe. The OpenAPI file is the reference.
    docs_url=None,
)


# --------------------------------------------------------------------------- errors


class Error(Schema):
    detail: str = Field(description="What went wrong, in a sentence.")
    code: str = Field(
        description="unauthorized, forbidden, not_found, conflict, invalid or rate_limited"
    )
    errors: dict[str, list[str]] | None = Field(
        None, description="For `invalid`: the messages for each field that is to blame."
    )


ERRORS: dict[int | str, Any] = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}
WRITE_ERRORS: dict[int | str, Any] = {**ERRORS, 409: Error}


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    detail: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail, "code": code}
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request,
        401,
        "unauthorized",
        "Send a valid token: Authorization: Bearer <token>. A revoked or expired token is refused.",
    )


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _error(
        request,
        429,
        "rate_limited",
        f"Too many requests with this token: try again in {exc.retry_after} seconds.",
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "There is nothing here that this token can see.")


@api.exception_handler(Refused)
def _refused(request: HttpRequest, exc: Refused) -> HttpResponse:
    return _error(request, 403, "forbidden", " ".join(exc.messages))


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        return _error(request, 422, "invalid", "The request cannot be carried out.", errors)
    # No field to blame: the request is sound but the row's state refuses it (a meeting
    # cancelled or begun, a reply closed).
    return _error(request, 409, "conflict", " ".join(exc.messages))


@api.exception_handler(NinjaValidationError)
def _malformed(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # The field to blame: the last name of where pydantic found it ("limit", "reason").
        names = [str(part) for part in error.get("loc", ())[1:] if isinstance(part, str)]
        where = names[-1] if names else "body"
        errors.setdefault(where, []).append(str(error.get("msg", "invalid")))
    return _error(request, 422, "invalid", "Some of the request is not valid.", errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found"}
    status = exc.status_code if exc.status_code in codes else 422
    return _error(request, status, codes.get(status, "invalid"), str(exc))


# --------------------------------------------------------------------------- helpers


def _token(request: HttpRequest) -> AccessToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, AccessToken)  # noqa: S101 (set by TokenAuth)
    return token


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 (set by TokenAuth)
    return user


class Paging(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"At most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=1_000_000)


def _page(rows: QuerySet[Any], paging: Paging) -> dict[str, Any]:
    return {
        "count": rows.count(),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": list(rows[paging.offset : paging.offset + paging.limit]),
    }


def _groups(request: HttpRequest) -> QuerySet[PeerGroup]:
    return groups_visible_to(_user(request)).filter(network_id=_token(request).network_id)


def _meetings(request: HttpRequest) -> QuerySet[Meeting]:
    return meetings_visible_to(_user(request)).filter(group__network_id=_token(request).network_id)


def _networks(request: HttpRequest) -> QuerySet[Network]:
    """The token's network, while its owner still has a place or a role there."""
    token = _token(request)
    return queries.networks_for_tokens(_user(request)).filter(pk=token.network_id)


# --------------------------------------------------------------------------- schemas


class NetworkOut(Schema):
    id: int
    name: str
    slug: str
    time_zone: str


class NetworkPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[NetworkOut]


class GroupOut(Schema):
    id: int
    network_id: int
    name: str
    time_zone: str


class GroupPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[GroupOut]


class MemberOut(Schema):
    id: int = Field(description="The membership's number.")
    name: str
    role: Literal["chair", "member"]

    @staticmethod
    def resolve_name(obj: Membership) -> str:
        return obj.user.display_name


class MemberPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberOut]


class AgendaItemOut(Schema):
    position: int
    kind: str
    title: str
    minutes: int


class MeetingOut(Schema):
    id: int
    group_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    venue: str | None
    online_link: str

    @staticmethod
    def resolve_venue(obj: Meeting) -> str | None:
        return obj.venue.name if obj.venue else None


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaItemOut]

    @staticmethod
    def resolve_agenda(obj: Meeting) -> list[Any]:
        return list(obj.agenda_items.order_by("position"))


class MeetingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MeetingOut]


class RsvpOut(Schema):
    meeting_id: int
    rsvp: str = Field(description="attending, apologies or none")
    responded_at: datetime | None


class RsvpPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RsvpOut]


class Attending(Schema):
    rsvp: Literal["attending"]


class Apologies(Schema):
    rsvp: Literal["apologies"]
    reason: str = Field(
        min_length=1,
        max_length=500,
        pattern=r"\S",
        description="Why you cannot come: seen by the chair, never sent back by the API.",
    )


RsvpIn = Annotated[Attending | Apologies, Field(discriminator="rsvp")]


class MeetingFilter(Schema):
    group: int | None = Field(None, ge=1, le=2**31 - 1, description="Only this group's.")
    starts_after: datetime | None = None
    starts_before: datetime | None = None

    @field_validator("starts_after", "starts_before")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """In UTC (a time without a zone is taken as UTC): PostgreSQL refuses offsets beyond
        15:59, which ISO 8601 allows."""
        if value is None:
            return None
        try:
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
        except OverflowError as error:
            raise ValueError("That time is out of range.") from error


# --------------------------------------------------------------------------- resources

ID_MAX = 2**31 - 1


def _id() -> Any:
    return Path(..., ge=1, le=ID_MAX)


@api.get("/networks", response={200: NetworkPage, **ERRORS}, tags=["networks"])
def network_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The token's network (a list of one, or of none once you have left it)."""
    return _page(_networks(request).order_by("pk"), paging)


@api.get("/networks/{network_id}", response={200: NetworkOut, **ERRORS}, tags=["networks"])
def network_detail(request: HttpRequest, network_id: int = _id()) -> Network:
    return get_object_or_404(_networks(request), pk=network_id)


@api.get("/groups", response={200: GroupPage, **ERRORS}, tags=["groups"])
def group_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The groups of the token's network that you see on the pages: yours, or every group of
    a network you run."""
    return _page(_groups(request).order_by("name", "pk"), paging)


@api.get("/groups/{group_id}", response={200: GroupOut, **ERRORS}, tags=["groups"])
def group_detail(request: HttpRequest, group_id: int = _id()) -> PeerGroup:
    return get_object_or_404(_groups(request), pk=group_id)


@api.get("/groups/{group_id}/memberships", response={200: MemberPage, **ERRORS}, tags=["groups"])
def membership_list(
    request: HttpRequest, paging: Query[Paging], group_id: int = _id()
) -> dict[str, Any]:
    """The group's current members and chair: names and roles, never contact details."""
    group = get_object_or_404(_groups(request), pk=group_id)
    return _page(current_memberships(group).order_by("role", "user__name", "pk"), paging)


@api.get("/meetings", response={200: MeetingPage, **ERRORS}, tags=["meetings"])
def meeting_list(
    request: HttpRequest, paging: Query[Paging], filters: Query[MeetingFilter]
) -> dict[str, Any]:
    """Meetings of the groups you see, soonest first; filter by group and start time."""
    rows = _meetings(request)
    if filters.group is not None:
        rows = rows.filter(group_id=filters.group)
    if filters.starts_after is not None:
        rows = rows.filter(starts_at__gte=filters.starts_after)
    if filters.starts_before is not None:
        rows = rows.filter(starts_at__lt=filters.starts_before)
    return _page(rows.order_by("starts_at", "pk"), paging)


@api.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS}, tags=["meetings"])
def meeting_detail(request: HttpRequest, meeting_id: int = _id()) -> Meeting:
    """One meeting with its timed agenda."""
    return get_object_or_404(_meetings(request), pk=meeting_id)


@api.get("/rsvps", response={200: RsvpPage, **ERRORS}, tags=["rsvps"])
def rsvp_list(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """Your own replies to meetings of the token's network."""
    rows = Participation.objects.filter(
        user=_user(request), meeting__in=_meetings(request)
    ).order_by("meeting__starts_at", "pk")
    return _page(rows, paging)


@api.put("/meetings/{meeting_id}/rsvp", response={200: RsvpOut, **WRITE_ERRORS}, tags=["rsvps"])
def rsvp_put(request: HttpRequest, body: RsvpIn, meeting_id: int = _id()) -> Participation:
    """Reply to a meeting (a read and write token): the same rules as the meeting page, so
    only a current member replies, and only until the meeting starts."""
    require(_user(request), "api.write", _token(request))
    meeting = get_object_or_404(_meetings(request), pk=meeting_id)
    reason = body.reason if isinstance(body, Apologies) else ""
    return meeting_actions.rsvp_set(
        meeting=meeting, by=_user(request), rsvp=body.rsvp, reason=reason
    )


def urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns, every one open to requests without a session: the token is
    the log-in (Django's LoginRequiredMiddleware would otherwise send them to the log-in page),
    and the schema and its reference are public."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        setattr(pattern.callback, "login_required", False)  # noqa: B010 (a function's mark)
    return patterns, app_name, namespace
