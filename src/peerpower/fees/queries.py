"""Who sees what of fees, in one place. Bursaries are confidential: `bursaries_visible_to`
gives the applicant their own and the network's admins theirs, and nobody else anything (a
chair or a sponsor included). Sponsors see only `sponsor_summary`: counts, never a name, and
no figure about fewer than `SMALL_NUMBER` people."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.fees.models import (
    Bursary,
    FeeBand,
    FeePlan,
    FeeSettings,
    Invoice,
    Payment,
    Place,
    Sponsor,
    SponsorAgreement,
)
from peerpower.groups.access import access_for
from peerpower.impact.dashboards import outcomes_summary
from peerpower.lib.small_numbers import MIN_RESPONDENTS
from peerpower.meetings.models import Participation
from peerpower.networks.models import Network

# The small-numbers rule, the same minimum as every other aggregate (lib.small_numbers): no
# figure a sponsor sees may describe fewer than this many people.
SMALL_NUMBER = MIN_RESPONDENTS


def settings_of(network: Network) -> FeeSettings:
    """The network's fee settings (unsaved defaults until an admin saves them)."""
    found = FeeSettings.objects.filter(network=network).first()
    return found or FeeSettings(network=network, legal_name=network.name)


def plans_of(network: Network) -> QuerySet[FeePlan]:
    """Every version of every plan, bands and the number of places on each, one query for the
    plans and one for the bands."""
    return (
        FeePlan.objects.filter(network=network)
        .annotate(holders=Count("places"))
        .prefetch_related(Prefetch("bands", queryset=FeeBand.objects.order_by("lower_pounds")))
        .order_by("name", "-version")
    )


def price_list(network: Network) -> QuerySet[FeePlan]:
    """The published plans, as the public page and members see them."""
    return (
        FeePlan.objects.filter(network=network, status=FeePlan.Status.PUBLISHED)
        .prefetch_related(Prefetch("bands", queryset=FeeBand.objects.order_by("lower_pounds")))
        .order_by("name")
    )


def current_version(plan: FeePlan) -> FeePlan:
    """The newest published version of the plan's family (the plan itself if none)."""
    newest = (
        FeePlan.objects.filter(
            network_id=plan.network_id, family=plan.family, status=FeePlan.Status.PUBLISHED
        )
        .order_by("-version")
        .first()
    )
    return newest or plan


def _paid() -> Subquery:
    return Subquery(
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(total=Sum("amount_pence"))
        .values("total")
    )


def _credited() -> Subquery:
    return Subquery(
        Invoice.objects.filter(credits=OuterRef("pk"))
        .values("credits")
        .annotate(total=Sum("gross_pence"))
        .values("total")
    )


def with_balance(invoices: QuerySet[Invoice]) -> QuerySet[Any]:
    """Annotate `paid`, `credited` and `balance` (what is still owed) in pence."""
    return invoices.annotate(
        paid=Coalesce(_paid(), Value(0)),
        credited=Coalesce(_credited(), Value(0)),
    ).annotate(balance=F("gross_pence") - F("paid") - F("credited"))


def invoices_of(network: Network) -> QuerySet[Any]:
    """The network's invoices and credit notes with their balances, newest first."""
    rows: QuerySet[Any] = with_balance(
        Invoice.objects.filter(network=network).select_related(
            "place__membership__user", "place__membership__group", "credits"
        )
    )
    return rows.order_by("-issued_on", "-kind", "-number")


def invoices_visible_to(user: User | AnonymousUser) -> QuerySet[Any]:
    """The network's admins see its invoices; a member sees those of their own places."""
    if not user.is_authenticated:
        return Invoice.objects.none()
    networks = access_for(user).administered_network_ids()
    return with_balance(
        Invoice.objects.filter(
            Q(network_id__in=networks)
            | Q(place__membership__user=user)
            | Q(credits__place__membership__user=user)
        ).select_related("network", "credits", "place__membership__group")
    )


def places_of(network: Network) -> QuerySet[Place]:
    """Every place in the network, with the member, group, plan and sponsor."""
    return (
        Place.objects.filter(membership__group__network=network)
        .select_related(
            "membership__user", "membership__group", "plan", "organisation", "sponsorship__sponsor"
        )
        .annotate(
            invoice_count=Count(
                "invoices", filter=Q(invoices__kind=Invoice.Kind.INVOICE), distinct=True
            )
        )
        .order_by("membership__group__name", "membership__user__name", "-starts_on")
    )


def own_places(user: User) -> QuerySet[Place]:
    return (
        Place.objects.filter(membership__user=user)
        .select_related("membership__group__network", "plan", "sponsorship__sponsor")
        .order_by("-starts_on")
    )


def bursaries_visible_to(user: User | AnonymousUser) -> QuerySet[Bursary]:
    """The applicant's own applications, and every application of the networks the person
    administers. Nobody else sees any: not the chair, not a sponsor, not a superuser."""
    if not user.is_authenticated:
        return Bursary.objects.none()
    networks = access_for(user).administered_network_ids()
    return Bursary.objects.filter(Q(applicant=user) | Q(network_id__in=networks)).select_related(
        "applicant", "network", "place"
    )


def sponsors_of(network: Network) -> QuerySet[Sponsor]:
    return (
        Sponsor.objects.filter(network=network)
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=SponsorAgreement.objects.select_related("group").annotate(
                    used=Count("seats")
                ),
            ),
            "contacts",
        )
        .order_by("name")
    )


def is_sponsor_contact(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and Sponsor.objects.filter(contacts=user).exists())


def sponsors_of_contact(user: User) -> QuerySet[Sponsor]:
    return Sponsor.objects.filter(contacts=user).select_related("network").order_by("name")


@dataclass(frozen=True)
class Figure:
    """One number on an aggregate page; `value` is None when it would describe fewer than
    SMALL_NUMBER people, and the page then says so instead."""

    label: str
    value: str | None


@dataclass(frozen=True)
class SponsorSummary:
    sponsor: Sponsor
    figures: list[Figure]
    suppressed: bool


def _count_figure(label: str, n: int) -> Figure:
    return Figure(label, str(n) if n >= SMALL_NUMBER else None)


def sponsor_summary(sponsor: Sponsor, today: date | None = None) -> SponsorSummary:
    """What a sponsor's contact sees: places funded and used, and the attendance rate of the
    members in those places. Any figure about fewer than SMALL_NUMBER people is withheld, and
    no name, organisation or group's content is ever part of it; with the outcomes the
    members in those places report (paired, as the evidence work counts them). Four queries
    (five once there are outcome answers)."""
    today = today or timezone.localdate()
    agreements = SponsorAgreement.objects.filter(sponsor=sponsor).aggregate(
        funded=Coalesce(Sum("places"), Value(0)),
    )
    funded = int(agreements["funded"])
    seats = Place.objects.filter(sponsorship__sponsor=sponsor)
    used = seats.values("membership_id").distinct().count()
    in_sponsored_place = Place.objects.filter(
        sponsorship__sponsor=sponsor,
        membership__user=OuterRef("user"),
        membership__group=OuterRef("meeting__group"),
        starts_on__lte=OuterRef("meeting__starts_at__date"),
        ends_on__gte=OuterRef("meeting__starts_at__date"),
    )
    attendance = (
        Participation.objects.filter(Exists(in_sponsored_place))
        .filter(meeting__starts_at__date__lte=today)
        .exclude(attendance="")
        .aggregate(
            held=Count("pk"),
            present=Count("pk", filter=Q(attendance="present")),
            people=Count("user_id", distinct=True),
        )
    )
    figures = [
        Figure("Places funded", str(funded)),
        _count_figure("Places in use", used),
    ]
    people = int(attendance["people"])
    held = int(attendance["held"])
    if people >= SMALL_NUMBER and used >= SMALL_NUMBER and held:
        rate = round(100 * int(attendance["present"]) / held)
        figures.append(Figure("Attendance at meetings held", f"{rate}%"))
    else:
        figures.append(Figure("Attendance at meetings held", None))
    figures += _sponsored_outcomes(sponsor, seats)
    return SponsorSummary(sponsor, figures, any(f.value is None for f in figures))


def _sponsored_outcomes(sponsor: Sponsor, seats: QuerySet[Place]) -> list[Figure]:
    """What the members in the sponsor's places report on joining and 6 and 12 months on
    (the evidence work's paired changes, each about 5 members or more, or withheld)."""
    people = seats.values_list("membership__user_id", flat=True)  # a subquery, not a query
    reported = [r for r in outcomes_summary(sponsor.network, people) if r.shown]
    if not reported:
        return [Figure("What members report on joining and after 6 and 12 months", None)]
    return [
        Figure(
            f"{r.label}, after {r.months} months",
            f"{r.before:.1f} on joining, {r.after:.1f} after ({r.n} members)",
        )
        for r in reported
    ]


@dataclass(frozen=True)
class BursaryCounts:
    """Aggregate counts only, under the small-numbers rule (no names)."""

    pending: str
    approved: str
    declined: str


def bursary_counts(network: Network) -> BursaryCounts:
    counts = Bursary.objects.filter(network=network).aggregate(
        pending=Count("pk", filter=Q(status=Bursary.Status.PENDING)),
        approved=Count("pk", filter=Q(status=Bursary.Status.APPROVED)),
        declined=Count("pk", filter=Q(status=Bursary.Status.DECLINED)),
    )

    def shown(n: int) -> str:
        return str(n) if n == 0 or n >= SMALL_NUMBER else f"fewer than {SMALL_NUMBER}"

    return BursaryCounts(
        shown(counts["pending"]), shown(counts["approved"]), shown(counts["declined"])
    )
