"""Group formation pages, for the network's admins only, under /network/<slug>/formation/: the
pool (with possible competitors to decide), a new run, a run's progress (polled by htmx) and
its proposal, with moving, locking, re-running and accepting."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.formation import actions, charts, mix
from peerpower.formation.forms import (
    CandidateForm,
    DecisionForm,
    EmptyForm,
    LockForm,
    MoveForm,
    NewGroupFormSet,
    RerunForm,
    RunForm,
)
from peerpower.formation.models import CompetitorDecision, Run
from peerpower.formation.queries import (
    applications_to_import,
    candidates_of,
    groups_with_vacancies,
    instance_for,
    person_of,
    run_for,
    runs_of,
)
from peerpower.lib.http import add_action_errors
from peerpower.networks.models import Network
from peerpower.networks.views import get_network_for_admin

SECTION = "formation"


def _render(
    request: AuthenticatedRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {"section": SECTION, **context}, status=status)


def _run(network: Network, pk: int) -> Run:
    run = run_for(network, pk)
    if run is None:
        raise Http404
    return run


def _pairs(network: Network) -> list[dict[str, Any]]:
    """The pool's possible competitors, each with the admin's decision (None: undecided)."""
    pool = list(candidates_of(network))
    by_key = {c.pk: c for c in pool}
    decided = {
        (d.first_id, d.second_id): d.competitors
        for d in CompetitorDecision.objects.filter(network=network)
    }
    pairs = []
    for first, second in mix.possible_competitors([person_of(c) for c in pool]):
        pairs.append(
            {
                "first": by_key[first],
                "second": by_key[second],
                "decision": decided.get((first, second)),
            }
        )
    return pairs


@require_http_methods(["GET", "POST"])
def pool(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidate = actions.candidate_add(
                network=network, values=form.values(), by=request.user
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{candidate.name} is in the pool.")
            return redirect("formation:pool", network.slug)
    return _render(
        request,
        "formation/pool.html",
        {
            "network": network,
            "form": form,
            "candidates": candidates_of(network),
            "to_import": applications_to_import(network).count(),
            "pairs": _pairs(network),
            "runs": runs_of(network)[:10],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def pool_import(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    if EmptyForm(request.POST).is_valid():
        added = actions.pool_import(network=network, by=request.user)
        messages.success(request, f"{added} applicants came into the pool.")
    return redirect("formation:pool", network.slug)


@require_POST
def candidate_remove(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    candidate = get_object_or_404(candidates_of(network), pk=pk)
    if EmptyForm(request.POST).is_valid():
        actions.candidate_remove(candidate=candidate, by=request.user)
        messages.success(request, f"{candidate.name} is out of the pool.")
    return redirect("formation:pool", network.slug)


@require_POST
def decide(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = DecisionForm(request.POST)
    if form.is_valid():
        pool = candidates_of(network)
        first = get_object_or_404(pool, pk=form.cleaned_data["first"])
        second = get_object_or_404(pool, pk=form.cleaned_data["second"])
        try:
            actions.competitor_decide(
                network=network,
                first=first,
                second=second,
                competitors=form.cleaned_data["competitors"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("formation:pool", network.slug)


@require_http_methods(["GET", "POST"])
def run_new(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    data = request.POST or None
    form = RunForm(data, network=network)
    formset = NewGroupFormSet(data, prefix="new", form_kwargs={"network": network})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        new_groups = [g for f in formset.forms if (g := f.new_group()) is not None]
        try:
            run = actions.run_start(
                network=network,
                candidates=list(form.cleaned_data["candidates"]),
                groups=list(form.cleaned_data["groups"]),
                new_groups=new_groups,
                weights=form.weights(),
                seconds=form.cleaned_data["seconds"],
                min_size=form.cleaned_data["min_size"],
                max_size=form.cleaned_data["max_size"],
                by=request.user,
            )
        except ValidationError as error:
            new_errors = getattr(error, "error_dict", {}).pop("new_groups", None)
            if new_errors:
                form.new_group_errors = [m for e in new_errors for m in e.messages]  # type: ignore[attr-defined]
            if not hasattr(error, "error_dict") or error.error_dict:
                add_action_errors(form, error)
        else:
            return redirect("formation:run", network.slug, run.pk)
    failed = request.method == "POST"
    return _render(
        request,
        "formation/run_new.html",
        {
            "network": network,
            "form": form,
            "formset": formset,
            "vacancies": dict((g.pk, v) for g, v in groups_with_vacancies(network)),
        },
        status=400 if failed else 200,
    )


def _proposal_context(run: Run, move_form: MoveForm | None = None) -> dict[str, Any]:
    instance = instance_for(run)
    groups = run.groups_by_candidate()
    slot_choices = [(i, s.name) for i, s in enumerate(instance.slots)]
    placed = {c.pk for c in run.candidates.all()}
    mixes = mix.mixes(instance, groups)
    return {
        "instance": instance,
        "mixes": [
            {
                "mix": m,
                "slot": run.slots.all()[m.slot],
                "charts": charts.for_mix(m),
                "rows": [
                    {
                        "person": p,
                        "placed": p.key in placed,
                        "locked": p.key in run.locked,
                        "move_form": (
                            move_form
                            if move_form is not None
                            and move_form.data.get("candidate") == str(p.key)
                            else MoveForm(
                                initial={"candidate": p.key, "to": m.slot},
                                slots=slot_choices,
                                auto_id=f"move-{p.key}-%s",
                            )
                        ),
                    }
                    for p in m.members
                ],
            }
            for m in mixes
        ],
        "score": sum(m.score for m in mixes),
        "respected": mix.respected(instance, groups),
        "size_problems": mix.size_problems(instance, groups),
        "factor_labels": mix.FACTOR_LABELS,
    }


@require_GET
def run_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    run = _run(network, pk)
    context: dict[str, Any] = {"network": network, "run": run}
    if run.status in (Run.Status.DONE, Run.Status.ACCEPTED):
        context |= _proposal_context(run)
        context["rerun_form"] = RerunForm(initial={"seconds": run.seconds})
    return _render(request, "formation/run.html", context)


@require_GET
def run_progress(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx every second until the run is finished; then the
    whole page is reloaded (HX-Refresh) to show the proposal or the reason there is none."""
    network = get_network_for_admin(request, slug)
    run = _run(network, pk)
    response = _render(request, "formation/run.html#progress", {"network": network, "run": run})
    if run.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
def run_move(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    run = _run(network, pk)
    slots = [(s.position, s.name) for s in run.slots.all()]
    form = MoveForm(request.POST, slots=slots)
    if form.is_valid():
        try:
            moved = actions.run_move(
                run=run,
                candidate_id=form.cleaned_data["candidate"],
                to=form.cleaned_data["to"],
                by=request.user,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Moved. The score went from {moved.before:.1f} to {moved.after:.1f} "
                f"({moved.change:+.1f}).",
            )
            return redirect("formation:run", network.slug, run.pk)
    key = request.POST.get("candidate", "")
    form.auto_id = f"move-{key}-%s"
    run = _run(network, pk)
    context = {"network": network, "run": run, **_proposal_context(run, move_form=form)}
    context["rerun_form"] = RerunForm(initial={"seconds": run.seconds})
    return _render(request, "formation/run.html", context, status=400)


@require_POST
def run_lock(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    run = _run(network, pk)
    form = LockForm(request.POST)
    if form.is_valid():
        try:
            actions.run_lock(
                run=run,
                candidate_id=form.cleaned_data["candidate"],
                locked=form.cleaned_data["locked"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("formation:run", network.slug, run.pk)


@require_POST
def run_rerun(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    run = _run(network, pk)
    form = RerunForm(request.POST)
    if form.is_valid():
        try:
            new = actions.run_rerun(run=run, seconds=form.cleaned_data["seconds"], by=request.user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            return redirect("formation:run", network.slug, new.pk)
    context: dict[str, Any] = {"network": network, "run": run, "rerun_form": form}
    if run.status in (Run.Status.DONE, Run.Status.ACCEPTED):
        context |= _proposal_context(run)
    return _render(request, "formation/run.html", context, status=400)


@require_POST
def run_accept(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    run = _run(network, pk)
    if EmptyForm(request.POST).is_valid():
        try:
            proposed = actions.run_accept(run=run, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Accepted. {len(proposed)} people are proposed to their groups; each group's "
                "chair approves them, which sends their invitation.",
            )
    return redirect("formation:run", network.slug, run.pk)
