"""Every date, time and number field of every form, fed values people (and scripts) type:
never a server error, always a clear message beside the field, nothing saved.

The table below has a row per field. A form added with a date, time or number field and no
row here fails `test_every_date_time_and_number_field_has_a_row`, so it is fuzzed too.
"""

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from importlib import import_module

import pytest
from django import forms
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerpower.api.models import AccessToken
from peerpower.fees import actions as fee_actions
from peerpower.fees.models import FeePlan, Invoice, Place
from peerpower.groups.models import Membership, PeerGroup
from peerpower.issues.models import Issue
from peerpower.meetings.models import AgendaItem, Meeting
from peerpower.networking.actions import PostFields, opportunity_post
from peerpower.networking.models import Opportunity
from peerpower.networks.models import Organisation
from tests import factories
from tests.conftest import ClientFor, World
from tests.htmlforms import form_data

DATES = [
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "1900-01-01",
    "2027-02-30",
    "2027-13-01",
    "31/12/9999",
    "tomorrow",
    "-1",
    "9" * 40,
    "2027-01-01T00:00",
    "\x00",
]
TIMES = ["25:00", "24:60", "-01:00", "9:99", "noon", "99999999999", "12:00:99999", "\x00"]
NUMBERS = [
    "-1",
    "-9223372036854775809",
    "99999999999999999999999",
    "32768",
    "1e400",
    "NaN",
    "Infinity",
    "1.5",
    "abc",
    "0x10",
    "\x00",
]
KINDS = {"date": DATES, "time": TIMES, "number": NUMBERS}


@dataclass(frozen=True)
class Target:
    """A page with the form, who fills it, and what it holds when filled in correctly."""

    who: str
    url: Callable[[World], str]
    # The valid data: read off the page (`containing` one of its fields), then `filled`.
    containing: str
    filled: Callable[[World], dict[str, str]] = lambda w: {}
    # Makes the form appear (e.g. the pledge taken, the meeting near enough to check in).
    prepare: Callable[[World], None] = lambda w: None
    post_url: Callable[[World], str] | None = None
    # The id the page gives the field's input, when it is not "id_" + the posted name.
    auto_id: str = "id_{}"


@dataclass(frozen=True)
class Row:
    form: str  # "app.forms.ClassName"
    field: str  # the field's name in the form
    kind: str  # date, time or number
    target: Target
    posted_as: str = ""  # the posted name, when a prefix is added (formsets)
    valid: tuple[str, ...] = ()  # values of the table this field rightly accepts


def _next(w: World) -> Meeting:
    return w.next_meeting()


def _pledged(w: World) -> None:
    Membership.objects.filter(group=w.group).update(pledge_accepted_at=timezone.now())


def _pledged_and_near(w: World) -> None:
    """Pledged, with the next meeting in three days: inside the check-in window."""
    _pledged(w)
    factories.move_meeting(_next(w), timezone.now().replace(microsecond=0) + timedelta(days=3))


def _worked_issue(w: World) -> Issue:
    """An issue of the member's that the room has worked, so a commitment can be recorded."""
    issue, _ = Issue.objects.get_or_create(
        group=w.group,
        meeting=_next(w),
        presenter=w.member,
        defaults={"question": "How do I fuzz?", "status": Issue.Status.WORKED},
    )
    return issue


GROUP_CREATE = Target(
    who="admin",
    url=lambda w: reverse("groups:create"),
    containing="series_start",
    filled=lambda w: {
        "name": "Fuzz Forum",
        "series_start": (timezone.localdate().replace(day=1) + timedelta(days=40)).isoformat(),
        "start_time": "09:30",
        "end_time": "13:30",
        "min_size": "8",
        "max_size": "16",
        "chair_email": "fuzz-chair@example.org",
    },
)
GROUP_EDIT = Target(
    who="admin", url=lambda w: reverse("groups:edit", args=[w.group.pk]), containing="name"
)
MOVE = Target(
    who="chair",
    url=lambda w: reverse("meetings:move", args=[_next(w).pk]),
    containing="start_time",
    filled=lambda w: {"online_link": "https://meet.example.org/fuzz"},
)
AGENDA = Target(
    who="chair",
    url=lambda w: reverse("meetings:agenda", args=[_next(w).pk]),
    containing="agenda-TOTAL_FORMS",
)
CHECK_IN = Target(
    who="member",
    url=lambda w: reverse("issues:meeting", args=[_next(w).pk]),
    post_url=lambda w: reverse("issues:check_in", args=[_next(w).pk]),
    containing="work",
    prepare=_pledged_and_near,
    filled=lambda w: {"work": "7", "personal": "6", "comment": ""},
)
ISSUE_NEW = Target(
    who="member",
    url=lambda w: reverse("issues:meeting", args=[_next(w).pk]),
    post_url=lambda w: reverse("issues:submit", args=[_next(w).pk]),
    containing="question",
    prepare=_pledged,
    filled=lambda w: {"question": "How do I fuzz a form?", "urgency": "2"},
)
CHAIR_ISSUE_NEW = Target(
    who="chair",
    url=lambda w: reverse("issues:meeting", args=[_next(w).pk]),
    post_url=lambda w: reverse("issues:submit", args=[_next(w).pk]),
    containing="presenter",
    prepare=_pledged,
    filled=lambda w: {"question": "How do I fuzz a form?", "urgency": "2"},
    auto_id="chair_{}",
)
COMMITMENT = Target(
    who="member",
    url=lambda w: reverse("issues:detail", args=[_worked_issue(w).pk]),
    post_url=lambda w: reverse("issues:commitment", args=[_worked_issue(w).pk]),
    containing="due_on",
    prepare=_pledged,
    filled=lambda w: {
        "text": "Call the other CEO",
        "due_on": (timezone.localdate() + timedelta(days=20)).isoformat(),
    },
)

NETWORK_SETTINGS = Target(
    who="admin",
    url=lambda w: reverse("networks:settings", args=[w.network.slug]),
    containing="issue_retention_months",
)
GUEST_SETTINGS = Target(
    who="admin",
    url=lambda w: reverse("guests:settings", args=[w.network.slug]),
    containing="retention_months",
)
GROUP_GUESTS = Target(
    who="admin",
    url=lambda w: reverse("guests:group_settings", args=[w.network.slug, w.group.pk]),
    containing="places",
)


def _guest_visit(w: World) -> str:
    return reverse("guests:visit", args=[w.guest.guest_requests.get().pk])


def _meeting_over(w: World) -> None:
    Meeting.objects.filter(pk=_next(w).pk).update(
        started_at=timezone.now(), ended_at=timezone.now()
    )


GUEST_FEEDBACK = Target(
    who="guest",
    url=_guest_visit,
    containing="held_back_other",  # the radio buttons start unchecked
    filled=lambda w: {"usefulness": "3", "would_join": "yes"},
    prepare=_meeting_over,
    post_url=lambda w: reverse("guests:feedback", args=[w.guest.guest_requests.get().pk]),
)
NETWORK_AGENDA = Target(
    who="admin",
    url=lambda w: reverse("networks:agenda", args=[w.network.slug]),
    containing="segment-TOTAL_FORMS",
)
PROTOCOL_NEW = Target(
    who="admin",
    url=lambda w: reverse("networks:protocol_create", args=[w.network.slug]),
    containing="step-TOTAL_FORMS",
    filled=lambda w: {
        "name": "Fuzz protocol",
        "step-0-name": "Listen",
        "step-0-minutes": "5",
        "step-0-cue": "Listen only",
        "step-0-ORDER": "1",
    },
)
BUREAU_SETTINGS = Target(
    who="admin",
    url=lambda w: reverse("speakers:settings", args=[w.network.slug]),
    containing="feedback_days",
)


def _engagement(w: World) -> int:
    from tests.coaching.builders import coaching_world

    return coaching_world(w).engagement.pk


def _coach(w: World) -> None:
    """The world's coach with a profile and hours."""
    _engagement(w)


COACHING_MANAGE = Target(
    who="admin",
    url=lambda w: reverse("coaching:manage", args=[w.network.slug]),
    containing="allowance",
    filled=lambda w: {
        "coach": str(w.coach.pk),
        "member": str(w.member.pk),
        "allowance": "4",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    },
)
COACHING_SETTINGS = Target(
    who="admin",
    url=lambda w: reverse("coaching:manage", args=[w.network.slug]),
    post_url=lambda w: reverse("coaching:settings", args=[w.network.slug]),
    containing="notice_hours",
)
COACHING_CHANGE = Target(
    who="admin",
    url=lambda w: reverse("coaching:engagement", args=[_engagement(w)]),
    post_url=lambda w: reverse("coaching:change", args=[_engagement(w)]),
    containing="status",
)
COACH_PROFILE = Target(
    who="coach",
    url=lambda w: reverse("coaching:profile", args=[w.network.slug]),
    containing="buffer_minutes",
    prepare=lambda w: _coach(w),
)
COACH_HOURS = Target(
    who="coach",
    url=lambda w: reverse("coaching:profile", args=[w.network.slug]),
    post_url=lambda w: reverse("coaching:rule_add", args=[w.network.slug]),
    containing="hours-weekday",
    filled=lambda w: {"hours-starts": "09:00", "hours-ends": "10:00"},
)
COACH_DAYS = Target(
    who="coach",
    url=lambda w: reverse("coaching:profile", args=[w.network.slug]),
    post_url=lambda w: reverse("coaching:exception_add", args=[w.network.slug]),
    containing="day-day",
    filled=lambda w: {
        "day-day": (timezone.localdate() + timedelta(days=9)).isoformat(),
        "day-kind": "extra",
        "day-starts": "18:00",
        "day-ends": "19:00",
    },
)

API_TOKENS = Target(
    who="member",
    url=lambda w: reverse("api:tokens"),
    containing="expires_on",
    filled=lambda w: {"name": "Our CRM", "network": str(w.network.pk), "access": "read"},
)


def _fee_plan(w: World) -> None:
    from tests.fees import builders

    if not FeePlan.objects.filter(network=w.network).exists():
        builders.plan(w.network, w.admin)


def _invoiced(w: World) -> int:
    from tests.fees import builders

    _fee_plan(w)
    seat = w.group.memberships.get(user=w.member)
    place = Place.objects.filter(membership=seat).first() or builders.place(
        seat, FeePlan.objects.get(network=w.network), w.admin
    )
    invoice = Invoice.objects.filter(place=place).first()
    return (invoice or fee_actions.invoice_issue(place=place, by=w.admin)).pk


FEE_SETTINGS = Target(
    who="admin",
    url=lambda w: reverse("fees:settings", args=[w.network.slug]),
    containing="legal_name",
)
FEE_PLAN = Target(
    who="admin",
    url=lambda w: reverse("fees:plan_create", args=[w.network.slug]),
    containing="period_months",
    filled=lambda w: {"name": "Fuzz plan", "band_0_from": "0", "band_0_price": "600"},
)
FEE_BILLING = Target(
    who="admin",
    url=lambda w: reverse(
        "fees:billing",
        args=[
            w.network.slug,
            Organisation.objects.get_or_create(network=w.network, name="Fuzz Trust")[0].pk,
        ],
    ),
    containing="annual_income_pounds",
)
FEE_PLACE = Target(
    who="admin",
    url=lambda w: reverse("fees:place_create", args=[w.network.slug]),
    containing="starts_on",
    prepare=_fee_plan,
    filled=lambda w: {
        "membership": str(w.group.memberships.get(user=w.member).pk),
        "plan": str(FeePlan.objects.get(network=w.network).pk),
    },
)
FEE_PAYMENT = Target(
    who="admin",
    url=lambda w: reverse("fees:invoice", args=[_invoiced(w)]),
    containing="received_on",
    filled=lambda w: {"amount_pence": "1"},
)
FEE_BURSARY = Target(
    who="member",
    url=lambda w: reverse("fees:bursary_apply", args=[w.network.slug]),
    containing="income_pounds",
    filled=lambda w: {"reasons": "Fuzz", "can_pay_pence": "0"},
)
FEE_AGREEMENT = Target(
    who="admin",
    url=lambda w: reverse("fees:sponsor", args=[w.network.slug, w.network.sponsors.get().pk]),
    containing="agreement-places",
    filled=lambda w: {
        "agreement": "1",
        "agreement-places": "3",
        "agreement-price_pence": "500",
        "agreement-starts_on": timezone.localdate().isoformat(),
        "agreement-ends_on": (timezone.localdate() + timedelta(days=365)).isoformat(),
    },
    auto_id="id_{}",
)

OPPORTUNITY_NEW = Target(
    who="member",
    url=lambda w: reverse("networking:opportunity_new", args=[w.network.slug]),
    containing="closes_on",
    filled=lambda w: {"kind": "event", "title": "Fuzz day", "description": "Come along."},
)


def _member_post(w: World) -> int:
    found = Opportunity.objects.filter(poster=w.member).first()
    return (
        found
        or opportunity_post(
            network=w.network,
            fields=PostFields(
                kind="event",
                title="Fuzz day",
                description="Come along.",
                closes_on=timezone.localdate() + timedelta(days=10),
            ),
            by=w.member,
        )
    ).pk


OPPORTUNITY_EXTEND = Target(
    who="member",
    url=lambda w: reverse("networking:opportunity_extend", args=[_member_post(w)]),
    containing="closes_on",
)

ROWS = [
    Row("networking.forms.OpportunityForm", "closes_on", "date", OPPORTUNITY_NEW),
    Row("networking.forms.ExtendForm", "closes_on", "date", OPPORTUNITY_EXTEND),
    Row("fees.forms.FeeSettingsForm", "vat_percent", "number", FEE_SETTINGS, valid=("1.5",)),
    Row("fees.forms.FeeSettingsForm", "payment_terms_days", "number", FEE_SETTINGS),
    *(
        Row("fees.forms.PlanForm", name, "number", FEE_PLAN)
        for name in ("period_months", "meetings_included", "coaching_hours")
    ),
    # £32,768 is an income like any other.
    Row("fees.forms.BillingForm", "annual_income_pounds", "number", FEE_BILLING, valid=("32768",)),
    Row("fees.forms.PlaceForm", "starts_on", "date", FEE_PLACE),
    Row("fees.forms.PaymentForm", "received_on", "date", FEE_PAYMENT),
    Row("fees.forms.BursaryForm", "income_pounds", "number", FEE_BURSARY, valid=("32768",)),
    *(
        Row(
            "fees.forms.AgreementForm",
            name,
            "date" if "on" in name else "number",
            FEE_AGREEMENT,
            f"agreement-{name}",
        )
        for name in ("places", "starts_on", "ends_on")
    ),
    Row("coaching.forms.EngagementForm", "allowance", "number", COACHING_MANAGE),
    Row("coaching.forms.EngagementForm", "starts_on", "date", COACHING_MANAGE),
    Row("coaching.forms.EngagementForm", "ends_on", "date", COACHING_MANAGE),
    Row("coaching.forms.SettingsForm", "notice_hours", "number", COACHING_SETTINGS),
    Row("coaching.forms.EngagementChangeForm", "allowance", "number", COACHING_CHANGE),
    Row("coaching.forms.EngagementChangeForm", "ends_on", "date", COACHING_CHANGE),
    *(
        Row("coaching.forms.ProfileForm", name, "number", COACH_PROFILE)
        for name in ("buffer_minutes", "notice_hours", "horizon_days")
    ),
    Row("coaching.forms.RuleForm", "weekday", "number", COACH_HOURS, "hours-weekday"),
    Row("coaching.forms.RuleForm", "starts", "time", COACH_HOURS, "hours-starts"),
    Row("coaching.forms.RuleForm", "ends", "time", COACH_HOURS, "hours-ends"),
    Row("coaching.forms.ExceptionForm", "day", "date", COACH_DAYS, "day-day"),
    Row("api.forms.TokenForm", "expires_on", "date", API_TOKENS),
    Row("coaching.forms.ExceptionForm", "starts", "time", COACH_DAYS, "day-starts"),
    Row("coaching.forms.ExceptionForm", "ends", "time", COACH_DAYS, "day-ends"),
    Row("guests.forms.GuestSettingsForm", "retention_months", "number", GUEST_SETTINGS),
    Row("guests.forms.GroupGuestForm", "places", "number", GROUP_GUESTS),
    Row("guests.forms.FeedbackForm", "usefulness", "number", GUEST_FEEDBACK),
    Row("groups.forms.GroupCreateForm", "series_start", "date", GROUP_CREATE),
    Row("groups.forms.GroupCreateForm", "start_time", "time", GROUP_CREATE),
    Row("groups.forms.GroupCreateForm", "end_time", "time", GROUP_CREATE),
    Row("groups.forms.GroupCreateForm", "min_size", "number", GROUP_CREATE),
    Row("groups.forms.GroupCreateForm", "max_size", "number", GROUP_CREATE),
    Row("groups.forms.GroupCreateForm", "week_of_month", "number", GROUP_CREATE, valid=("-1",)),
    Row("groups.forms.GroupCreateForm", "weekday", "number", GROUP_CREATE),
    Row("groups.forms.GroupForm", "series_start", "date", GROUP_EDIT),
    Row("groups.forms.GroupForm", "start_time", "time", GROUP_EDIT),
    Row("groups.forms.GroupForm", "end_time", "time", GROUP_EDIT),
    Row("groups.forms.GroupForm", "min_size", "number", GROUP_EDIT),
    Row("groups.forms.GroupForm", "max_size", "number", GROUP_EDIT),
    Row("groups.forms.GroupForm", "week_of_month", "number", GROUP_EDIT, valid=("-1",)),
    Row("groups.forms.GroupForm", "weekday", "number", GROUP_EDIT),
    Row("meetings.forms.MeetingMoveForm", "date", "date", MOVE),
    Row("meetings.forms.MeetingMoveForm", "start_time", "time", MOVE),
    Row("meetings.forms.MeetingMoveForm", "end_time", "time", MOVE),
    Row("meetings.forms.AgendaSegmentForm", "minutes", "number", AGENDA, "agenda-1-minutes"),
    Row("meetings.forms.AgendaFormSet", "ORDER", "number", AGENDA, "agenda-1-ORDER"),
    Row("issues.forms.UpdateForm", "work", "number", CHECK_IN),
    Row("issues.forms.UpdateForm", "personal", "number", CHECK_IN),
    Row("issues.forms.IssueForm", "urgency", "number", ISSUE_NEW),
    Row("issues.forms.ChairIssueForm", "urgency", "number", CHAIR_ISSUE_NEW),
    Row("issues.forms.CommitmentForm", "due_on", "date", COMMITMENT),
    Row(
        "networks.forms.NetworkSettingsForm",
        "issue_retention_months",
        "number",
        NETWORK_SETTINGS,
    ),
    Row("networks.forms.SegmentForm", "minutes", "number", NETWORK_AGENDA, "segment-1-minutes"),
    Row(
        "networks.forms.SegmentFormSet",
        "ORDER",
        "number",
        NETWORK_AGENDA,
        "segment-1-ORDER",
    ),
    Row("networks.forms.StepForm", "minutes", "number", PROTOCOL_NEW, "step-0-minutes"),
    *(
        Row("speakers.forms.BureauSettingsForm", name, "number", BUREAU_SETTINGS)
        for name in ("feedback_days", "repeat_months", "upload_max_mb")
    ),
    Row(
        "speakers.forms.BureauSettingsForm",
        "rating_threshold",
        "number",
        BUREAU_SETTINGS,
        valid=("1.5",),  # a threshold of 1.5 out of 5 is lenient but allowed
    ),
    Row(
        "networks.forms.StepFormSet",
        "ORDER",
        "number",
        PROTOCOL_NEW,
        "step-0-ORDER",
    ),
]


def _formation_pool(w: World) -> None:
    from tests.formation.builders import pool

    pool(w.network, 16, prefix="Fuzz")


def _formation_run(w: World) -> str:
    from peerpower.formation.models import Run
    from tests.formation.builders import finished_run

    run = Run.objects.filter(network=w.network).first() or finished_run(w.network, w.admin)
    return reverse("formation:run", args=[w.network.slug, run.pk])


FORMATION_POOL = Target(
    who="admin",
    url=lambda w: reverse("formation:pool", args=[w.network.slug]),
    containing="years_in_role",
    filled=lambda w: {
        "name": "Fuzz Person",
        "email": "fuzz-person@example.org",
        "organisation": "Fuzz Trust",
        "sector": "arts",
        "size_band": "small",
        "region": "london",
    },
)
FORMATION_RUN = Target(
    who="admin",
    url=lambda w: reverse("formation:run_new", args=[w.network.slug]),
    containing="weight_sector",
    prepare=_formation_pool,
    filled=lambda w: {
        "new-0-name": "Fuzz A",
        "new-0-chair_email": "fuzz-a@example.org",
        "new-1-name": "Fuzz B",
        "new-1-chair_email": "fuzz-b@example.org",
        "seconds": "1",
    },
)
FORMATION_RERUN = Target(
    who="admin",
    url=_formation_run,
    post_url=lambda w: _formation_run(w).replace("/runs/", "/runs/", 1) + "rerun/",
    containing="seconds",
)
ROWS += [
    Row("formation.forms.CandidateForm", "years_in_role", "number", FORMATION_POOL),
    *(
        Row("formation.forms.RunForm", name, "number", FORMATION_RUN)
        for name in (
            "min_size",
            "max_size",
            "weight_sector",
            "weight_size",
            "weight_region",
            "weight_years",
            "weight_kind",
            "weight_looking_for",
            "seconds",
        )
    ),
    *(
        Row("formation.forms.NewGroupForm", name, kind, FORMATION_RUN, f"new-0-{name}", valid)
        for name, kind, valid in (
            ("start_time", "time", ()),
            ("end_time", "time", ()),
            ("week_of_month", "number", ("-1",)),
            ("weekday", "number", ()),
        )
    ),
    Row("formation.forms.RerunForm", "seconds", "number", FORMATION_RERUN),
]


def _is_fuzzed_kind(field: forms.Field) -> bool:
    # Hidden fields (ids, versions) are not typed by people; their views answer tampering.
    if isinstance(field.widget, forms.HiddenInput):
        return False
    if isinstance(
        field,
        forms.IntegerField
        | forms.FloatField
        | forms.DecimalField
        | forms.DateField
        | forms.TimeField
        | forms.DateTimeField
        | forms.DurationField,
    ):
        return True
    # A choice whose values are numbers (a ModelForm's integer choices, or coerce=int).
    if not isinstance(field, forms.TypedChoiceField):
        return False
    choices: list[tuple[object, object]] = list(field.choices)  # type: ignore[arg-type]
    values = [value for value, _ in choices if value not in ("", None)]
    return bool(values) and all(isinstance(value, int) for value in values)


def _project_forms() -> Iterator[tuple[str, dict[str, forms.Field]]]:
    for config in apps.get_app_configs():
        if not config.name.startswith("peerpower."):
            continue
        try:
            module = import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        label = f"{config.name.removeprefix('peerpower.')}.forms"
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                yield f"{label}.{name}", dict(getattr(obj, "base_fields", {}))
            # formset_factory's classes name Django's module as theirs: go by their form.
            elif (
                issubclass(obj, forms.BaseFormSet)
                and getattr(obj, "can_order", False)
                and obj.form.__module__ == module.__name__
            ):
                yield f"{label}.{name}", {"ORDER": forms.IntegerField()}


# The export's dates are sent by GET (a download, nothing saved):
# tests/fees/test_export.py feeds them the same values.
FUZZED_ELSEWHERE = {("fees.forms.ExportForm", "date_from"), ("fees.forms.ExportForm", "date_to")}
# Numbers the page's buttons send, never typed by a person (the room's controls).
NOT_TYPED = {
    ("issues.forms.RoomActForm", "version"),
    ("issues.forms.RoomActForm", "issue"),
    ("issues.forms.RoomActForm", "scribe"),
    # Chosen from a list the page gives, never typed: a tampered length shows the coach's
    # first length; a tampered rating is refused and nothing saved
    # (tests/coaching/test_views.py::test_a_tampered_rating_saves_nothing).
    ("coaching.forms.LengthForm", "minutes"),
    ("coaching.forms.ProgressForm", "rating"),
}


def test_every_date_time_and_number_field_has_a_row() -> None:
    covered = {(row.form, row.field) for row in ROWS} | NOT_TYPED | FUZZED_ELSEWHERE
    missing = sorted(
        f"{form}.{name}"
        for form, fields in _project_forms()
        for name, field in fields.items()
        if _is_fuzzed_kind(field) and (form, name) not in covered
    )
    assert missing == [], "add a row to ROWS in tests/test_form_fuzz.py for each of these"


class _ErrorReader(HTMLParser):
    """The text of the element with a given id."""

    def __init__(self, wanted: str) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth, self.text = wanted, 0, ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.wanted:
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text += data


def error_beside(html: str, input_id: str) -> str:
    reader = _ErrorReader(f"{input_id}_error")
    reader.feed(html)
    return reader.text.strip()


def _snapshot() -> tuple[object, ...]:
    return (
        PeerGroup.objects.count(),
        list(Meeting.objects.values_list("pk", "starts_at", "ends_at", "sequence")),
        list(AgendaItem.objects.values_list("meeting_id", "position", "title", "minutes")),
        Issue.objects.count(),
        AccessToken.objects.count(),
    )


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row.form}.{row.field}")
def test_bad_values_get_a_message_beside_their_field(
    row: Row, world: World, client_for: ClientFor
) -> None:
    target = row.target
    target.prepare(world)
    client: Client = client_for(getattr(world, target.who))
    page = client.get(target.url(world))
    assert page.status_code == 200
    valid = form_data(page.content, containing=target.containing) | target.filled(world)
    name = row.posted_as or row.field
    before = _snapshot()
    problems = []
    for value in KINDS[row.kind]:
        if value in row.valid:
            continue
        response = client.post((target.post_url or target.url)(world), {**valid, name: value})
        message = error_beside(response.content.decode(), target.auto_id.format(name))
        if response.status_code >= 500 or response.status_code not in (200, 400):
            problems.append(f"{value!r}: status {response.status_code}")
        elif not message:
            problems.append(f"{value!r}: no message beside {name}")
        elif _snapshot() != before:
            problems.append(f"{value!r}: something was saved")
    assert problems == []
