"""Survey pages: a person's own surveys and answering one; the network admin's survey list and
editor. Thin: the rules are in the actions, visibility in queries."""

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.groups.access import access_for
from peerpower.groups.models import PeerGroup
from peerpower.groups.queries import groups_visible_to
from peerpower.impact import actions, case, dashboards, queries, report
from peerpower.impact.forms import AnswerForm, CaseForm, SurveyEditForm
from peerpower.impact.models import Survey
from peerpower.lib.http import add_action_errors
from peerpower.lib.rules import can
from peerpower.networks.models import Network


def get_network_for(request: AuthenticatedRequest, slug: str, rule: str) -> Network:
    network = get_object_or_404(Network, slug=slug)
    if not can(request.user, rule, network):
        raise Http404
    return network


def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own surveys: open ones to answer (or change), and past ones."""
    now = timezone.now()
    invitations = list(queries.invitations_of(request.user)[:50])
    done = queries.answered_ids(request.user, invitations)
    rows = [
        {"invitation": i, "open": i.round.is_open(now), "answered": i.pk in done}
        for i in invitations
    ]
    return render(request, "impact/mine.html", {"rows": rows, "network": _own_network(request)})


@sensitive_post_parameters()
def answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(
        queries.invitations_of(request.user), pk=pk
    )  # someone else's is a 404
    round_ = invitation.round
    survey = round_.survey
    questions = queries.questions_of(survey)
    now = timezone.now()
    is_open = round_.is_open(now)
    own = queries.own_answers(invitation, request.user)
    initial: dict[str, Any] = dict(own[0]) if own else {}
    if own:
        initial["may_quote"] = own[1]
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        questions=questions,
        named=not survey.anonymous,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.answers_submit(
                    invitation=invitation,
                    answers=form.answers(),
                    may_quote=bool(form.cleaned_data.get("may_quote")),
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    "Thank you. You can change your answers until "
                    f"{timezone.localtime(round_.closes_at):%-d %B %Y}."
                    if own is None
                    else "Your answers are changed.",
                )
                return redirect("impact:mine")
        status = 400
    return render(
        request,
        "impact/answer.html",
        {
            "invitation": invitation,
            "round": round_,
            "survey": survey,
            "form": form,
            "is_open": is_open,
            "answered": own is not None,
            "not_yet": now < round_.opens_at,
        },
        status=status,
    )


def surveys(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.manage_surveys")
    current = queries.current_surveys(network.pk)
    rows = [current[kind] for kind in Survey.Kind.values if kind in current]
    return render(request, "impact/surveys.html", {"network": network, "surveys": rows})


def survey_edit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for(request, slug, "impact.manage_surveys")
    survey = get_object_or_404(
        Survey.objects.filter(retired=False, network_id__in=[network.pk])
        | Survey.objects.filter(retired=False, network=None),
        pk=pk,
    )
    questions = queries.questions_of(survey)
    form = SurveyEditForm(
        request.POST if request.method == "POST" else None, survey=survey, questions=questions
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = actions.survey_update(
                    survey=survey,
                    network=network,
                    title=form.cleaned_data["title"],
                    intro=form.cleaned_data["intro"],
                    questions=form.question_changes(),
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request,
                    f"Saved as version {saved.version}." if saved.pk != survey.pk else "Saved.",
                )
                return redirect("impact:surveys", network.slug)
        status = 400
    return render(
        request,
        "impact/survey_edit.html",
        {
            "network": network,
            "survey": survey,
            "form": form,
            "sent": queries.survey_has_been_sent(survey) or survey.network_id is None,
        },
        status=status,
    )


# --- dashboards


def _csv(tables: list[dashboards.Table], filename: str) -> HttpResponse:
    """The same figures as the page, table by table (so the small-numbers rule holds here
    exactly as there)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for table in tables:
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([str(cell) for cell in row] for row in table.rows)
        for comment in table.comments:
            writer.writerow(["comment", comment])
        writer.writerow([])
    return response


def _own_network(request: AuthenticatedRequest) -> Network | None:
    seats = [s for s in access_for(request.user).seats.values() if s.is_current]
    return Network.objects.filter(pk=seats[0].network_id).first() if seats else None


def progress(request: AuthenticatedRequest) -> HttpResponse:
    tables = dashboards.own_progress(request.user, _own_network(request))
    return render(
        request,
        "impact/dashboard.html",
        {
            "title": "Your progress",
            "intro": "Your own answers, attendance, commitments and coaching. Only you see "
            "this page; the network's figures beside yours are about 5 or more members.",
            "tables": tables,
            "csv_url": reverse("impact:progress_csv"),
            "crumb": "Your surveys",
            "crumb_url": reverse("impact:mine"),
        },
    )


def progress_csv(request: AuthenticatedRequest) -> HttpResponse:
    return _csv(dashboards.own_progress(request.user, _own_network(request)), "my-progress.csv")


def _group_for_health(request: AuthenticatedRequest, pk: int) -> PeerGroup:
    group = get_object_or_404(groups_visible_to(request.user), pk=pk)
    if not can(request.user, "impact.see_group_health", group):
        raise Http404
    return group


def group_health(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = _group_for_health(request, pk)
    return render(
        request,
        "impact/dashboard.html",
        {
            "title": f"{group.name}: group health",
            "intro": "Attendance, replies, what members said each meeting was worth, "
            "commitments kept and the quarterly anonymous survey. Survey figures are shown "
            "once a survey has closed, and only where 5 or more members answered.",
            "tables": dashboards.group_health(group),
            "csv_url": reverse("impact:group_health_csv", args=[group.pk]),
            "crumb": group.name,
            "crumb_url": reverse("groups:detail", args=[group.pk]),
        },
    )


def group_health_csv(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    group = _group_for_health(request, pk)
    return _csv(dashboards.group_health(group), f"group-health-{group.pk}.csv")


def outcomes(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.see_outcomes")
    return render(
        request,
        "impact/dashboard.html",
        {
            "title": f"{network.name}: outcomes",
            "intro": "What members report when they join and 6 and 12 months on (the same "
            "members, paired), what each meeting was worth, how many answered and how many "
            "stay. Every figure says how many members it is about; none is about fewer than 5.",
            "tables": dashboards.outcomes(network),
            "csv_url": reverse("impact:outcomes_csv", args=[network.slug]),
            "report_url": reverse("impact:report", args=[network.slug]),
            "crumb": network.name,
            "crumb_url": reverse("networks:detail", args=[network.slug]),
        },
    )


def outcomes_csv(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.see_outcomes")
    return _csv(dashboards.outcomes(network), f"outcomes-{network.slug}.csv")


# --- the trustee business case


@sensitive_post_parameters()
def business_case(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.make_case")
    current = case.case_for(request.user, network)
    form = CaseForm(request.POST or None, paragraphs=current.paragraphs)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.case_save(network=network, paragraphs=form.paragraphs(), by=request.user)
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "Saved. Download it below when it reads right.")
                return redirect("impact:case", network.slug)
        status = 400
    return render(
        request,
        "impact/case.html",
        {"network": network, "case": current, "form": form},
        status=status,
    )


def business_case_pdf(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.make_case")
    response = HttpResponse(
        case.pdf(case.case_for(request.user, network)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="business-case-{network.slug}.pdf"'
    return response


def business_case_odt(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.make_case")
    response = HttpResponse(
        case.odt(case.case_for(request.user, network)),
        content_type="application/vnd.oasis.opendocument.text",
    )
    response["Content-Disposition"] = f'attachment; filename="business-case-{network.slug}.odt"'
    return response


# --- the yearly impact report


def impact_report(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.see_outcomes")
    return render(
        request, "impact/report.html", {"network": network, "tables": report.yearly(network)}
    )


def impact_report_pdf(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.see_outcomes")
    response = HttpResponse(
        report.pdf(network, report.yearly(network)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="impact-{network.slug}.pdf"'
    return response


def impact_report_csv(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for(request, slug, "impact.see_outcomes")
    return _csv(report.yearly(network), f"impact-{network.slug}.csv")
