"""Fee pages: the admin's price list, places, invoices, payments, credit notes, bursaries,
sponsors and exports under /network/<slug>/fees/; an invoice's page and PDF under
/fees/invoices/; the member's own under /fees/; a sponsor's aggregate page under /sponsor/."""

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from peerpower.accounts.http import AuthenticatedRequest
from peerpower.accounts.models import User
from peerpower.fees import actions
from peerpower.fees.forms import (
    AgreementForm,
    BillingForm,
    BursaryDecisionForm,
    BursaryForm,
    ContactForm,
    CreditForm,
    EmptyForm,
    ExportForm,
    FeeSettingsForm,
    PaymentForm,
    PlaceForm,
    PlaceSponsorForm,
    PlanForm,
    SponsorForm,
)
from peerpower.fees.models import (
    BillingDetails,
    Bursary,
    FeePlan,
    Invoice,
    Payment,
    Place,
    Sponsor,
    SponsorAgreement,
)
from peerpower.fees.money import pounds, pounds_plain
from peerpower.fees.pdf import filename, invoice_pdf
from peerpower.fees.queries import (
    bursaries_visible_to,
    bursary_counts,
    invoices_of,
    invoices_visible_to,
    own_places,
    places_of,
    plans_of,
    price_list,
    settings_of,
    sponsor_summary,
    sponsors_of,
    sponsors_of_contact,
)
from peerpower.groups.models import Membership, PeerGroup
from peerpower.lib.http import add_action_errors
from peerpower.lib.rules import can
from peerpower.networks.models import Network, NetworkRole, Organisation
from peerpower.networks.views import get_network_for_admin

SECTION = "fees"


def _render(
    request: AuthenticatedRequest, template: str, context: dict[str, Any], **kw: Any
) -> HttpResponse:
    return render(request, template, {"section": SECTION, **context}, **kw)


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


# --- the admin: overview, settings, plans


@require_GET
def overview(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    return _render(
        request,
        "fees/overview.html",
        {
            "network": network,
            "plans": plans_of(network),
            "settings": settings_of(network),
            "bursaries": bursary_counts(network),
        },
    )


@require_http_methods(["GET", "POST"])
def fee_settings(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = FeeSettingsForm(request.POST or None, instance=settings_of(network))
    if request.method == "POST" and form.is_valid():
        try:
            actions.fee_settings_update(network=network, values=form.values(), by=request.user)
        except ValidationError as error:
            add_action_errors(form, error, {"vat_rate_bp": "vat_percent"})
        else:
            messages.success(request, "The invoice details are saved.")
            return redirect("fees:overview", network.slug)
    return _render(
        request, "fees/settings.html", {"network": network, "form": form}, status=_status(form)
    )


def _plan_form_result(form: PlanForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict") and "bands" in error.error_dict:
        form.band_errors = [m for e in error.error_dict.pop("bands") for m in e.messages]
        if not error.error_dict:
            return
    add_action_errors(form, error)


@require_http_methods(["GET", "POST"])
def plan_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.plan_create(
                network=network,
                values=form.plan_values(),
                bands=form.cleaned_data["bands"],
                by=request.user,
            )
        except ValidationError as error:
            _plan_form_result(form, error)
        else:
            messages.success(request, f"{plan.name} is published on the price list.")
            return redirect("fees:plan", network.slug, plan.pk)
    return _render(
        request,
        "fees/plan_form.html",
        {"network": network, "form": form, "title": "A new plan"},
        status=_status(form) if not form.band_errors else 400,
    )


def _plan(network: Network, pk: int) -> FeePlan:
    return get_object_or_404(FeePlan.objects.prefetch_related("bands"), network=network, pk=pk)


@require_http_methods(["GET", "POST"])
def plan_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    """A plan's version: its bands and places; editable while nobody holds it."""
    network = get_network_for_admin(request, slug)
    plan = _plan(network, pk)
    held = Place.objects.filter(plan=plan).count()
    form = PlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            actions.plan_update(
                plan=plan,
                values=form.plan_values(),
                bands=form.cleaned_data["bands"],
                by=request.user,
            )
        except ValidationError as error:
            _plan_form_result(form, error)
        else:
            messages.success(request, "The plan is saved.")
            return redirect("fees:plan", network.slug, plan.pk)
    failed = form.is_bound and (bool(form.errors) or bool(form.band_errors))
    return _render(
        request,
        "fees/plan_detail.html",
        {"network": network, "plan": plan, "held": held, "form": form},
        status=400 if failed else 200,
    )


@require_http_methods(["GET", "POST"])
def plan_version(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    plan = _plan(network, pk)
    form = PlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.plan_new_version(
                plan=plan,
                values=form.plan_values(),
                bands=form.cleaned_data["bands"],
                by=request.user,
            )
        except ValidationError as error:
            _plan_form_result(form, error)
        else:
            messages.success(
                request,
                f"Version {created.version} is published; version {plan.version} is retired.",
            )
            return redirect("fees:plan", network.slug, created.pk)
    failed = form.is_bound and (bool(form.errors) or bool(form.band_errors))
    return _render(
        request,
        "fees/plan_form.html",
        {"network": network, "form": form, "title": f"A new version of {plan.name}", "plan": plan},
        status=400 if failed else 200,
    )


@require_POST
def plan_retire(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    plan = _plan(network, pk)
    if EmptyForm(request.POST).is_valid():
        try:
            actions.plan_retire(plan=plan, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{plan} is off the price list.")
    return redirect("fees:plan", network.slug, plan.pk)


# --- organisations' billing details


@require_http_methods(["GET", "POST"])
def billing(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    organisation = get_object_or_404(Organisation, network=network, pk=pk)
    current = BillingDetails.objects.filter(organisation=organisation).first()
    initial = (
        {
            "annual_income_pounds": current.annual_income_pounds,
            "finance_email": current.finance_email,
            "address": current.address,
        }
        if current
        else {}
    )
    form = BillingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.billing_update(organisation=organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{organisation.name}'s billing details are saved.")
            return redirect("fees:places", network.slug)
    return _render(
        request,
        "fees/billing.html",
        {"network": network, "organisation": organisation, "form": form},
        status=_status(form),
    )


# --- places


def _agreements(network: Network) -> QuerySet[SponsorAgreement]:
    return SponsorAgreement.objects.filter(sponsor__network=network).select_related(
        "sponsor", "group"
    )


@require_GET
def places(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    organisations = (
        Organisation.objects.filter(network=network).select_related("billing").order_by("name")
    )
    return _render(
        request,
        "fees/places.html",
        {"network": network, "places": places_of(network), "organisations": organisations},
    )


@require_http_methods(["GET", "POST"])
def place_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    memberships = (
        Membership.objects.filter(group__network=network, status__in=Membership.HOLDS_PLACE)
        .select_related("user", "group")
        .order_by("group__name", "user__name")
    )
    form = PlaceForm(
        request.POST or None,
        memberships=memberships,
        plans=price_list(network),
        agreements=_agreements(network),
        coaches=User.objects.filter(
            network_roles__network=network, network_roles__role=NetworkRole.Role.COACH
        ).order_by("name", "email"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            place = actions.place_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error, {"member": "membership"})
        else:
            messages.success(
                request,
                f"{place.membership.user.display_name} has a place at {pounds(place.price_pence)} "
                f"(band {place.band_label}).",
            )
            return redirect("fees:places", network.slug)
    return _render(
        request, "fees/place_form.html", {"network": network, "form": form}, status=_status(form)
    )


def _place(network: Network, pk: int) -> Place:
    return get_object_or_404(
        Place.objects.select_related(
            "plan", "membership__user", "membership__group", "engagement__coach__user"
        ),
        membership__group__network=network,
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def place_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    place = _place(network, pk)
    sponsor_form = PlaceSponsorForm(request.POST or None, agreements=_agreements(network))
    if request.method == "POST" and sponsor_form.is_valid():
        try:
            actions.place_sponsor(
                place=place, sponsorship=sponsor_form.cleaned_data["sponsorship"], by=request.user
            )
        except ValidationError as error:
            add_action_errors(sponsor_form, error)
        else:
            messages.success(request, "The place is sponsored.")
            return redirect("fees:place", network.slug, place.pk)
    invoices = invoices_of(network).filter(place=place)
    return _render(
        request,
        "fees/place_detail.html",
        {"network": network, "place": place, "invoices": invoices, "sponsor_form": sponsor_form},
        status=_status(sponsor_form),
    )


@require_POST
def place_renew(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    place = _place(network, pk)
    if EmptyForm(request.POST).is_valid():
        try:
            renewed = actions.place_renew(place=place, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The place is renewed for the next period.")
            return redirect("fees:place", network.slug, renewed.pk)
    return redirect("fees:place", network.slug, place.pk)


@require_POST
def invoice_issue(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    place = _place(network, pk)
    if EmptyForm(request.POST).is_valid():
        try:
            invoice = actions.invoice_issue(place=place, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{invoice.reference} is issued and emailed.")
            return redirect("fees:invoice", invoice.pk)
    return redirect("fees:place", network.slug, place.pk)


# --- invoices


@require_GET
def invoices(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    rows = invoices_of(network)
    today = timezone.localdate()
    show = request.GET.get("show", "outstanding")
    if show == "outstanding":
        rows = rows.filter(kind=Invoice.Kind.INVOICE, balance__gt=0)
    elif show == "overdue":
        rows = rows.filter(kind=Invoice.Kind.INVOICE, balance__gt=0, due_on__lt=today)
    return _render(
        request,
        "fees/invoices.html",
        {"network": network, "invoices": rows, "show": show, "today": today},
    )


def _invoice_for(request: AuthenticatedRequest, pk: int) -> Invoice:
    invoice: Invoice | None = (
        invoices_visible_to(request.user)
        .select_related("place__membership__user", "credits__place__membership")
        .filter(pk=pk)
        .first()
    )
    if invoice is None or not can(request.user, "fees.see_invoice", invoice):
        raise Http404
    return invoice


@require_http_methods(["GET", "POST"])
def invoice_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The invoice as HTML: for the admins, with the payment and credit forms."""
    invoice = _invoice_for(request, pk)
    managing = can(request.user, "fees.manage", invoice)
    payment_form = PaymentForm(request.POST or None) if managing else None
    if request.method == "POST":
        if payment_form is None:
            raise Http404
        if payment_form.is_valid():
            try:
                actions.payment_record(
                    invoice=invoice, by=request.user, **payment_form.cleaned_data
                )
            except ValidationError as error:
                add_action_errors(payment_form, error)
            else:
                messages.success(request, "The payment is recorded.")
                return redirect("fees:invoice", invoice.pk)
    return _render(
        request,
        "fees/invoice.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "payments": list(invoice.payments.all()) if not invoice.is_credit_note else [],
            "credit_notes": list(invoice.credit_notes.all()),
            "managing": managing,
            "payment_form": payment_form,
            "network": invoice.network,
        },
        status=_status(payment_form) if payment_form is not None else 200,
    )


@require_GET
def invoice_pdf_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    invoice = _invoice_for(request, pk)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(invoice)}"'
    return response


@require_http_methods(["GET", "POST"])
def credit(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    invoice = get_object_or_404(invoices_of(network), pk=pk, kind=Invoice.Kind.INVOICE)
    form = CreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        whole = form.cleaned_data["scope"] == CreditForm.WHOLE
        try:
            note = actions.credit_note_issue(
                invoice=invoice,
                by=request.user,
                net_pence=None if whole else form.cleaned_data["net_pence"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{note.reference} is issued.")
            return redirect("fees:invoice", note.pk)
    return _render(
        request,
        "fees/credit.html",
        {"network": network, "invoice": invoice, "form": form},
        status=_status(form),
    )


@require_GET
def export(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Invoices and credit notes, or payments, in a date range, as CSV for the accounts."""
    network = get_network_for_admin(request, slug)
    form = ExportForm(request.GET if "kind" in request.GET else None)
    if not form.is_valid():
        return _render(
            request, "fees/export.html", {"network": network, "form": form}, status=_status(form)
        )
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    kind = form.cleaned_data["kind"]
    response["Content-Disposition"] = (
        f'attachment; filename="{network.slug}-{kind}-{start}-{end}.csv"'
    )
    writer = csv.writer(response)
    if kind == "invoices":
        writer.writerow(
            [
                "number",
                "type",
                "issued",
                "due",
                "buyer",
                "credits",
                "net",
                "vat",
                "gross",
                "paid",
                "balance",
            ]
        )
        for invoice in (
            invoices_of(network)
            .filter(issued_on__range=(start, end))
            .order_by("issued_on", "kind", "number")
        ):
            writer.writerow(
                [
                    invoice.reference,
                    invoice.get_kind_display(),
                    invoice.issued_on.isoformat(),
                    invoice.due_on.isoformat(),
                    _csv_safe(invoice.buyer_name),
                    invoice.credits.reference if invoice.credits else "",
                    pounds_plain(invoice.net_pence),
                    pounds_plain(invoice.vat_pence),
                    pounds_plain(invoice.gross_pence),
                    pounds_plain(invoice.paid),
                    pounds_plain(invoice.balance if not invoice.is_credit_note else 0),
                ]
            )
    else:
        writer.writerow(["invoice", "received", "amount", "method", "reference"])
        payments = (
            Payment.objects.filter(invoice__network=network, received_on__range=(start, end))
            .select_related("invoice")
            .order_by("received_on", "pk")
        )
        for payment in payments:
            writer.writerow(
                [
                    payment.invoice.reference,
                    payment.received_on.isoformat(),
                    pounds_plain(payment.amount_pence),
                    payment.get_method_display(),
                    _csv_safe(payment.reference),
                ]
            )
    return response


def _csv_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- bursaries


@require_GET
def bursaries(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    rows = (
        bursaries_visible_to(request.user).filter(network=network).order_by("status", "-created_at")
    )
    return _render(request, "fees/bursaries.html", {"network": network, "bursaries": rows})


@sensitive_post_parameters("reasons", "reason")
@require_http_methods(["GET", "POST"])
def bursary_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The application: the applicant reads it and the decision; an admin decides."""
    bursary = bursaries_visible_to(request.user).filter(pk=pk).first()
    if bursary is None or not can(request.user, "fees.see_bursary", bursary):
        raise Http404
    deciding = (
        can(request.user, "fees.manage", bursary) and bursary.status == Bursary.Status.PENDING
    )
    form = BursaryDecisionForm(request.POST or None) if deciding else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                actions.bursary_decide(
                    bursary=bursary,
                    approve=form.cleaned_data["decision"] == BursaryDecisionForm.APPROVE,
                    amount_pence=form.cleaned_data["amount_pence"] or 0,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(request, "The decision is recorded and emailed to the applicant.")
                return redirect("fees:bursary", bursary.pk)
    return _render(
        request,
        "fees/bursary.html",
        {
            "bursary": bursary,
            "form": form,
            "network": bursary.network,
            "managing": can(request.user, "fees.manage", bursary),
        },
        status=_status(form) if form is not None else 200,
    )


@sensitive_post_parameters("reasons")
@require_http_methods(["GET", "POST"])
def bursary_apply(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(Network, slug=slug)
    if not can(request.user, "fees.apply_bursary", network):
        raise Http404
    form = BursaryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bursary = actions.bursary_apply(network=network, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request, "Your application is sent. Only the network's admins will read it."
            )
            return redirect("fees:bursary", bursary.pk)
    return render(
        request,
        "fees/bursary_apply.html",
        {"network": network, "form": form, "plans": price_list(network)},
        status=_status(form),
    )


# --- sponsors


@require_http_methods(["GET", "POST"])
def sponsors(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    form = SponsorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sponsor = actions.sponsor_create(network=network, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{sponsor.name} is added.")
            return redirect("fees:sponsor", network.slug, sponsor.pk)
    return _render(
        request,
        "fees/sponsors.html",
        {"network": network, "sponsors": sponsors_of(network), "form": form},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
def sponsor_detail(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    sponsor = get_object_or_404(sponsors_of(network), pk=pk)
    groups = PeerGroup.objects.filter(network=network).order_by("name")
    agreement_form = AgreementForm(
        request.POST if "agreement" in request.POST else None, groups=groups, prefix="agreement"
    )
    contact_form = ContactForm(
        request.POST if "contact" in request.POST else None, prefix="contact"
    )
    if request.method == "POST":
        try:
            if agreement_form.is_bound and agreement_form.is_valid():
                actions.agreement_create(
                    sponsor=sponsor, by=request.user, **agreement_form.cleaned_data
                )
                messages.success(request, "The agreement is added.")
                return redirect("fees:sponsor", network.slug, sponsor.pk)
            if contact_form.is_bound and contact_form.is_valid():
                actions.sponsor_contact_add(
                    sponsor=sponsor, by=request.user, **contact_form.cleaned_data
                )
                messages.success(request, "The contact can now log in to the sponsor's page.")
                return redirect("fees:sponsor", network.slug, sponsor.pk)
        except ValidationError as error:
            add_action_errors(agreement_form if agreement_form.is_bound else contact_form, error)
    failed = (agreement_form.is_bound and bool(agreement_form.errors)) or (
        contact_form.is_bound and bool(contact_form.errors)
    )
    return _render(
        request,
        "fees/sponsor.html",
        {
            "network": network,
            "sponsor": sponsor,
            "agreement_form": agreement_form,
            "contact_form": contact_form,
            "invoices": invoices_of(network).filter(agreement__sponsor=sponsor),
        },
        status=400 if failed else 200,
    )


@require_POST
def agreement_invoice(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    network = get_network_for_admin(request, slug)
    agreement = get_object_or_404(
        SponsorAgreement.objects.select_related("sponsor"), sponsor__network=network, pk=pk
    )
    if EmptyForm(request.POST).is_valid():
        try:
            invoice = actions.agreement_invoice_issue(agreement=agreement, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{invoice.reference} is issued to {agreement.sponsor.name}.")
            return redirect("fees:invoice", invoice.pk)
    return redirect("fees:sponsor", network.slug, agreement.sponsor_id)


@require_GET
def sponsor_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The sponsor's own page: aggregates only, never a name or a cell under five."""
    sponsor = get_object_or_404(Sponsor.objects.select_related("network"), pk=pk)
    if not can(request.user, "fees.see_sponsor_page", sponsor):
        raise Http404
    return render(
        request, "fees/sponsor_page.html", {"summary": sponsor_summary(sponsor), "sponsor": sponsor}
    )


# --- the member's own


@require_GET
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """Your places, who pays, your invoices and what is due; your bursary applications; the
    sponsors you see the page of."""
    user = request.user
    own_invoices = (
        invoices_visible_to(user)
        .filter(Q(place__membership__user=user) | Q(credits__place__membership__user=user))
        .order_by("-issued_on", "-number")
    )
    return render(
        request,
        "fees/mine.html",
        {
            "places": own_places(user),
            "invoices": own_invoices,
            "bursaries": Bursary.objects.filter(applicant=user).select_related("network"),
            "sponsors": sponsors_of_contact(user),
        },
    )
