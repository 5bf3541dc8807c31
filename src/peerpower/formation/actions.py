"""Business actions of group formation: the pool, the admin's word on possible competitors, a
run (started here, solved on the task queue), editing its proposal by hand, and accepting it.

Every action that takes `by` asks formation.rules first (check, then do). Nothing here reads
the issues session: a run knows people only by their organisation and what they are looking
for (tests/formation/test_leaks.py).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.formation import mix, tasks
from peerpower.formation import rules as _rules  # noqa: F401 - registers the rules required here
from peerpower.formation.models import Candidate, CompetitorDecision, Run, RunGroup
from peerpower.formation.queries import (
    applications_to_import,
    instance_for,
    kept_members,
    run_for,
)
from peerpower.formation.solver import Infeasible, Progress, check, solve
from peerpower.groups.actions import group_create, membership_propose
from peerpower.groups.models import Membership, PeerGroup
from peerpower.guests.actions import application_accept
from peerpower.guests.models import GuestRequest
from peerpower.lib.rules import require
from peerpower.networks.models import Network, Organisation, Venue

SECONDS_MAX = 300
# How often the solver writes its progress to the run (the page polls every second).
REPORT_EVERY = 0.5


@dataclass(frozen=True)
class NewGroup:
    """A group the run forms from nothing: created, with its chair invited, on acceptance."""

    name: str
    chair_email: str
    start_time: time
    end_time: time
    venue: Venue | None = None  # None: it meets online
    week_of_month: int = 2
    weekday: int = 1


# --------------------------------------------------------------------------- the pool


CANDIDATE_FIELDS = (
    "name",
    "email",
    "organisation",
    "registered_number",
    "sector",
    "size_band",
    "region",
    "kind",
    "years_in_role",
    "looking_for",
    "avoid",
)


def candidate_add(*, network: Network, values: Mapping[str, object], by: User) -> Candidate:
    """Add a person to the network's pool by hand. One entry per email address a network."""
    require(by, "formation.manage_pool", network)
    candidate = Candidate(
        network=network,
        source=Candidate.Source.ADDED,
        **{k: v for k, v in values.items() if k in CANDIDATE_FIELDS},
    )
    for name in ("name", "email", "organisation", "registered_number", "avoid"):
        setattr(candidate, name, str(getattr(candidate, name) or "").strip())
    candidate.email = candidate.email.lower()
    candidate.full_clean(exclude=["network", "membership", "guest_request"])
    if Candidate.objects.filter(network=network, email__iexact=candidate.email).exists():
        raise ValidationError({"email": f"{candidate.email} is already in the pool."})
    candidate.save()
    return candidate


def candidate_remove(*, candidate: Candidate, by: User) -> None:
    """Take a person out of the pool (runs that placed them keep them until accepted)."""
    require(by, "formation.manage_pool", candidate)
    candidate.delete()


def pool_import(*, network: Network, by: User) -> int:
    """Bring the network's applicants (guests who applied to join) into the pool, with what
    their application says; returns how many came in. Nothing else of the request is read."""
    require(by, "formation.manage_pool", network)
    added = 0
    with transaction.atomic():
        for request in applications_to_import(network):
            if Candidate.objects.filter(network=network, email__iexact=request.email).exists():
                continue
            Candidate.objects.create(
                network=network,
                source=Candidate.Source.APPLICANT,
                guest_request=request,
                name=request.name,
                email=request.email.lower(),
                organisation=request.organisation,
                registered_number=request.registered_number,
                sector=request.sector,
                size_band=request.income_band,
                region=request.region,
            )
            added += 1
    return added


def competitor_decide(
    *, network: Network, first: Candidate, second: Candidate, competitors: bool, by: User
) -> CompetitorDecision:
    """Record whether two people are competitors (never in one group) or not (a possible
    competitor dismissed); a later decision replaces an earlier one."""
    require(by, "formation.manage_pool", network)
    if first.network_id != network.pk or second.network_id != network.pk or first == second:
        raise ValidationError("Choose two different people of this network.")
    low, high = sorted((first, second), key=lambda c: c.pk)
    decision, _ = CompetitorDecision.objects.update_or_create(
        first=low,
        second=high,
        defaults={
            "network": network,
            "competitors": competitors,
            "decided_by": by,
            "decided_at": timezone.now(),
        },
    )
    return decision


# --------------------------------------------------------------------------- a run


def _check_settings(weights: Mapping[str, int], seconds: int) -> None:
    errors: dict[str, str] = {}
    for name, attr in Run.WEIGHT_FIELDS:
        value = weights.get(name, 0)
        if not 0 <= value <= mix.WEIGHT_MAX:
            errors[attr] = f"Give a weight from 0 to {mix.WEIGHT_MAX}."
    if not 1 <= seconds <= SECONDS_MAX:
        errors["seconds"] = f"Give from 1 to {SECONDS_MAX} seconds."
    if errors:
        raise ValidationError(errors)


def _member_candidate(membership: Membership) -> Candidate:
    """The pool's entry for a kept member of a chosen group (their organisation's details)."""
    org = membership.organisation
    user = membership.user
    candidate, _ = Candidate.objects.update_or_create(
        network_id=membership.group.network_id,
        email=user.email.lower(),
        defaults={
            "source": Candidate.Source.MEMBER,
            "membership": membership,
            "name": user.name or user.email,
            "organisation": org.name if org else "",
            "registered_number": org.registered_number if org else "",
            "sector": org.sector if org else "",
            "size_band": org.size_band if org else "",
            "region": org.region if org else "",
            "kind": org.kind if org else "",
        },
    )
    return candidate


_ELEMENTS = re.compile(r"elements? \[?([\d, ]+)\]?")
_GROUP = re.compile(r"group (\d+)")


def explain(instance: mix.Instance, error: Infeasible) -> str:
    """The solver's reason in people's and groups' names instead of element numbers."""

    def who(i: int) -> str:
        if i < instance.n_people:
            return instance.people[i].name
        slot = instance.problem.fixed[i]
        return f"the venue of {instance.slots[slot].name}"

    def elements(match: re.Match[str]) -> str:
        names = [who(int(x)) for x in match.group(1).replace(",", " ").split()]
        return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]

    text = _ELEMENTS.sub(elements, error.message)
    text = _GROUP.sub(lambda m: instance.slots[int(m.group(1))].name, text)
    for jargon, words in (
        ("are pairwise cannot-linked", "may not share a group with each other"),
        ("are a cannot-link pair", "may not share a group"),
        ("(must-link)", ""),
    ):
        text = text.replace(jargon, words)
    return text[:1].upper() + text[1:] + "."


def _check_feasible(instance: mix.Instance) -> None:
    n = instance.n_people
    most = sum(s.upper for s in instance.slots)
    least = sum(s.lower for s in instance.slots)
    if most < n:
        raise ValidationError(
            {
                "max_size": f"The groups chosen hold at most {most} people but {n} are to be "
                "placed: raise the largest size or add a group."
            }
        )
    if least > n:
        raise ValidationError(
            {
                "min_size": f"The groups chosen need at least {least} people but there are {n}: "
                "lower the smallest size or choose fewer groups."
            }
        )
    try:
        check(instance.problem)
    except Infeasible as error:
        field = "candidates" if error.constraint in ("cannot-link", "fixed") else "groups"
        raise ValidationError({field: explain(instance, error)}) from error


def run_start(
    *,
    network: Network,
    candidates: Sequence[Candidate],
    groups: Sequence[PeerGroup] = (),
    new_groups: Sequence[NewGroup] = (),
    weights: Mapping[str, int],
    seconds: int,
    min_size: int = 8,
    max_size: int = 16,
    seed: int = 0,
    by: User,
) -> Run:
    """Start a run: its groups (existing ones keep their members, new ones get ``min_size`` to
    ``max_size``), its pool and weights. What can be seen to make it impossible is refused here,
    beside the field to blame; the search itself goes to the task queue once this commits."""
    require(by, "formation.run", network)
    _check_settings(weights, seconds)
    errors: dict[str, str] = {}
    if not groups and not new_groups:
        errors["groups"] = "Choose at least one group: an existing one or a new one."
    if not candidates:
        errors["candidates"] = "Choose at least one person to place."
    if not 1 <= min_size <= max_size:
        errors["max_size"] = "The largest size must be at least the smallest, and that at least 1."
    if any(c.network_id != network.pk or c.source == Candidate.Source.MEMBER for c in candidates):
        errors["candidates"] = "Choose people from this network's pool."
    if any(g.network_id != network.pk for g in groups):
        errors["groups"] = "Choose groups of this network."
    taken = {g.name.casefold() for g in PeerGroup.objects.filter(network=network)}
    for new in new_groups:
        if new.venue is not None and new.venue.network_id != network.pk:
            errors["new_groups"] = "Choose one of this network's venues."
        elif new.name.strip().casefold() in taken:
            errors["new_groups"] = f"{network.name} already has a group called {new.name}."
        elif new.end_time <= new.start_time:
            errors["new_groups"] = f"{new.name} must end after it starts."
        elif not new.chair_email.strip():
            errors["new_groups"] = f"Give the email of {new.name}'s chair."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        run = Run.objects.create(
            network=network,
            created_by=by,
            seconds=seconds,
            seed=seed,
            **{attr: weights.get(name, 0) for name, attr in Run.WEIGHT_FIELDS},
        )
        run.candidates.set(candidates)
        position = 0
        for group in groups:
            RunGroup.objects.create(
                run=run,
                position=position,
                group=group,
                name=group.name,
                venue=group.default_venue if not group.online_link else None,
                min_size=group.min_size,
                max_size=group.max_size,
            )
            position += 1
        for new in new_groups:
            RunGroup.objects.create(
                run=run,
                position=position,
                name=new.name.strip(),
                venue=new.venue,
                week_of_month=new.week_of_month,
                weekday=new.weekday,
                start_time=new.start_time,
                end_time=new.end_time,
                chair_email=new.chair_email.strip(),
                min_size=min_size,
                max_size=max_size,
            )
            position += 1
        for membership in kept_members(list(groups)):
            _member_candidate(membership)
        _check_feasible(instance_for(run))
        run_id = run.pk
        transaction.on_commit(lambda: tasks.solve_run(run_id))
    return run


def run_execute(*, run_id: int, clock_seconds: float | None = None) -> Run | None:
    """Solve a queued run (the task queue's; no person): status running, progress reports
    stored on the row about every half second, then the proposal, or why none exists. A run
    already started or gone is left alone (a second worker does nothing)."""
    with transaction.atomic():
        claimed = Run.objects.filter(pk=run_id, status=Run.Status.QUEUED).update(
            status=Run.Status.RUNNING, started_at=timezone.now()
        )
    if not claimed:
        return None
    run = Run.objects.select_related("network").get(pk=run_id)
    instance = instance_for(run)
    proposal = run.groups_by_candidate()
    initial = None
    if proposal and all(p.key in proposal for p in instance.people):
        start = mix.full_assignment(instance, proposal)
        if not mix.size_problems(instance, proposal) and not _broken(instance, proposal):
            initial = start

    def report(progress: Progress) -> bool:
        Run.objects.filter(pk=run_id).update(
            progress=min(max(progress.fraction, 0.0), 0.99), best=progress.best
        )
        return False

    try:
        result = solve(
            instance.problem,
            seconds=clock_seconds if clock_seconds is not None else float(run.seconds),
            seed=run.seed,
            progress=report,
            report_every=REPORT_EVERY,
            initial=initial,
        )
    except Infeasible as error:
        Run.objects.filter(pk=run_id).update(
            status=Run.Status.FAILED,
            failed_constraint=error.constraint,
            message=explain(instance, error),
            finished_at=timezone.now(),
        )
        return Run.objects.get(pk=run_id)
    groups = {str(p.key): int(result.groups[i]) for i, p in enumerate(instance.people)}
    Run.objects.filter(pk=run_id).update(
        status=Run.Status.DONE,
        progress=1.0,
        proposal=groups,
        best=mix.score(instance, {int(k): v for k, v in groups.items()}),
        iterations=result.iterations,
        finished_at=timezone.now(),
    )
    return Run.objects.get(pk=run_id)


def _broken(instance: mix.Instance, groups: Mapping[int, int]) -> bool:
    return any(groups.get(c.first) == groups.get(c.second) for c in instance.conflicts) or any(
        mix.move_refusal(instance, groups, p.key, groups[p.key]) for p in instance.people
    )


def _editable(run: Run) -> None:
    if run.status != Run.Status.DONE:
        raise ValidationError("Only a proposal ready to review can be changed.")


@dataclass(frozen=True)
class Moved:
    run: Run
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def run_move(*, run: Run, candidate_id: int, to: int, by: User) -> Moved:
    """Move one person of the proposal to another group by hand. Refused, naming it, when the
    move breaks a hard constraint (size bounds are checked on acceptance, so a move may pass
    through a size out of bounds). Locks the run row."""
    require(by, "formation.edit_proposal", run)
    with transaction.atomic():
        locked = Run.objects.select_for_update().get(pk=run.pk)
        _editable(locked)
        instance = instance_for(locked)
        groups = locked.groups_by_candidate()
        if candidate_id not in groups or not 0 <= to < len(instance.slots):
            raise ValidationError({"to": "Choose a person of this proposal and one of its groups."})
        refusal = mix.move_refusal(instance, groups, candidate_id, to)
        if refusal:
            raise ValidationError({"to": refusal})
        before = mix.score(instance, groups)
        groups[candidate_id] = to
        after = mix.score(instance, groups)
        locked.proposal = {str(k): v for k, v in groups.items()}
        locked.best = after
        locked.save(update_fields=["proposal", "best"])
    return Moved(run=locked, before=before, after=after)


def run_lock(*, run: Run, candidate_id: int, locked: bool, by: User) -> Run:
    """Lock a person to their group in the proposal (a re-run keeps them there), or unlock
    them. Locks the run row."""
    require(by, "formation.edit_proposal", run)
    with transaction.atomic():
        row = Run.objects.select_for_update().get(pk=run.pk)
        _editable(row)
        if str(candidate_id) not in row.proposal:
            raise ValidationError("Choose a person of this proposal.")
        keys = set(row.locked)
        if locked:
            keys.add(candidate_id)
        else:
            keys.discard(candidate_id)
        row.locked = sorted(keys)
        row.save(update_fields=["locked"])
    return row


def run_rerun(*, run: Run, seconds: int | None = None, by: User) -> Run:
    """A new run from this one's proposal (its starting point when it meets every constraint)
    with the same pool, groups and weights; locked people stay where they are."""
    require(by, "formation.run", run)
    if run.status != Run.Status.DONE:
        raise ValidationError("Only a proposal ready to review can be run again.")
    seconds = run.seconds if seconds is None else seconds
    _check_settings(run.weights(), seconds)
    with transaction.atomic():
        new = Run.objects.create(
            network_id=run.network_id,
            created_by=by,
            parent=run,
            seconds=seconds,
            seed=run.seed + 1,
            proposal=run.proposal,
            locked=run.locked,
            **{attr: getattr(run, attr) for _, attr in Run.WEIGHT_FIELDS},
        )
        new.candidates.set(run.candidates.all())
        for slot in run.slots.all():
            slot.pk = None
            slot.run = new
            slot.save()
        _check_feasible(instance_for(new))
        new_id = new.pk
        transaction.on_commit(lambda: tasks.solve_run(new_id))
    return new


def run_accept(*, run: Run, by: User) -> list[Membership]:
    """Accept the proposal: each new group is created with its chair invited (groups'
    group_create), and each person placed is proposed to their group through the usual flow
    (membership_propose: the chair approves, which sends the invitation; only a chair invites
    members); an applicant's application is accepted into that group (guests'
    application_accept), so the funnel counts them, unless the triage accepted it since (they
    are proposed already). All or nothing; refused while any hard constraint or size bound is
    broken. Locks the run row."""
    require(by, "formation.accept", run)
    with transaction.atomic():
        row = Run.objects.select_for_update().select_related("network").get(pk=run.pk)
        _editable(row)
        instance = instance_for(row)
        groups = row.groups_by_candidate()
        problems = mix.size_problems(instance, groups)
        if problems:
            raise ValidationError(" ".join(problems))
        for person in instance.people:
            refusal = mix.move_refusal(instance, groups, person.key, groups[person.key])
            if refusal:
                raise ValidationError(refusal)
        slots = list(run_for(row.network, row.pk).slots.all())  # type: ignore[union-attr]
        peer_groups: dict[int, PeerGroup] = {}
        for slot in slots:
            if slot.group is not None:
                peer_groups[slot.position] = slot.group
                continue
            if slot.start_time is None or slot.end_time is None:  # run_start refuses these
                raise ValidationError(f"{slot.name} has no meeting times.")
            today = timezone.localdate()
            next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            peer_groups[slot.position] = group_create(
                network=row.network,
                name=slot.name,
                week_of_month=slot.week_of_month,
                weekday=slot.weekday,
                start_time=slot.start_time,
                end_time=slot.end_time,
                series_start=next_month,
                time_zone=row.network.time_zone,
                chair_email=slot.chair_email,
                default_venue=slot.venue,
                min_size=slot.min_size,
                max_size=slot.max_size,
                by=by,
            )
        proposed = []
        for candidate in row.candidates.select_related("guest_request").order_by("name", "pk"):
            group = peer_groups[groups[candidate.pk]]
            request = candidate.guest_request
            if request is not None:
                # An applicant: accepted as the guests' triage does, so the funnel counts them.
                # One whose application the triage accepted since is proposed already (a
                # withdrawn or declined one left the pool).
                if request.status == GuestRequest.Status.APPLIED:
                    proposed.append(application_accept(request=request, group=group, by=by))
                continue
            proposed.append(
                membership_propose(group=group, email=candidate.email, name=candidate.name, by=by)
            )
        row.status = Run.Status.ACCEPTED
        row.accepted_at = timezone.now()
        row.save(update_fields=["status", "accepted_at"])
    return proposed


SIZE_LABELS = dict(Organisation.SizeBand.choices)
