"""Fee addresses: the admin's under /network/<slug>/fees/, an invoice's and a bursary
application's under /fees/, a sponsor's page under /sponsor/<pk>/."""

from django.urls import path

from peerpower.fees import views

app_name = "fees"

ADMIN = "network/<slug:slug>/fees/"

urlpatterns = [
    path(ADMIN, views.overview, name="overview"),
    path(ADMIN + "settings/", views.fee_settings, name="settings"),
    path(ADMIN + "plans/new/", views.plan_create, name="plan_create"),
    path(ADMIN + "plans/<int:pk>/", views.plan_detail, name="plan"),
    path(ADMIN + "plans/<int:pk>/new-version/", views.plan_version, name="plan_version"),
    path(ADMIN + "plans/<int:pk>/retire/", views.plan_retire, name="plan_retire"),
    path(ADMIN + "organisations/<int:pk>/", views.billing, name="billing"),
    path(ADMIN + "places/", views.places, name="places"),
    path(ADMIN + "places/new/", views.place_create, name="place_create"),
    path(ADMIN + "places/<int:pk>/", views.place_detail, name="place"),
    path(ADMIN + "places/<int:pk>/renew/", views.place_renew, name="place_renew"),
    path(ADMIN + "places/<int:pk>/invoice/", views.invoice_issue, name="invoice_issue"),
    path(ADMIN + "invoices/", views.invoices, name="invoices"),
    path(ADMIN + "invoices/<int:pk>/credit/", views.credit, name="credit"),
    path(ADMIN + "export/", views.export, name="export"),
    path(ADMIN + "bursaries/", views.bursaries, name="bursaries"),
    path(ADMIN + "sponsors/", views.sponsors, name="sponsors"),
    path(ADMIN + "sponsors/<int:pk>/", views.sponsor_detail, name="sponsor"),
    path(ADMIN + "agreements/<int:pk>/invoice/", views.agreement_invoice, name="agreement_invoice"),
    path("fees/", views.mine, name="mine"),
    path("fees/invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("fees/invoices/<int:pk>/pdf/", views.invoice_pdf_view, name="invoice_pdf"),
    path("fees/bursaries/<int:pk>/", views.bursary_detail, name="bursary"),
    path("fees/bursary/<slug:slug>/", views.bursary_apply, name="bursary_apply"),
    path("sponsor/<int:pk>/", views.sponsor_page, name="sponsor_page"),
]
