"""The network admin's pages, under /network/<slug>/, and the member's "My organisation"."""

from django.urls import path

from peerpower.networks import views

app_name = "networks"

urlpatterns = [
    path("my-organisation/", views.my_organisation, name="my_organisation"),
    path("network/<slug:slug>/", views.network_detail, name="detail"),
    path("network/<slug:slug>/venues/", views.venue_list, name="venues"),
    path("network/<slug:slug>/venues/new/", views.venue_create, name="venue_create"),
    path("network/<slug:slug>/venues/<int:pk>/", views.venue_edit, name="venue_edit"),
    path("network/<slug:slug>/venues/<int:pk>/delete/", views.venue_delete, name="venue_delete"),
    path("network/<slug:slug>/partners/", views.partner_list, name="partners"),
    path("network/<slug:slug>/partners/new/", views.partner_create, name="partner_create"),
    path("network/<slug:slug>/partners/<int:pk>/", views.partner_edit, name="partner_edit"),
    path(
        "network/<slug:slug>/partners/<int:pk>/delete/",
        views.partner_delete,
        name="partner_delete",
    ),
    path("network/<slug:slug>/organisations/", views.organisation_list, name="organisations"),
    path(
        "network/<slug:slug>/organisations/new/",
        views.organisation_create,
        name="organisation_create",
    ),
    path(
        "network/<slug:slug>/organisations/<int:pk>/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "network/<slug:slug>/organisations/<int:pk>/delete/",
        views.organisation_delete,
        name="organisation_delete",
    ),
    path("network/<slug:slug>/agenda/", views.agenda_template, name="agenda"),
    path("network/<slug:slug>/protocols/", views.protocol_list, name="protocols"),
    path("network/<slug:slug>/protocols/new/", views.protocol_create, name="protocol_create"),
    path("network/<slug:slug>/protocols/<int:pk>/", views.protocol_edit, name="protocol_edit"),
    path(
        "network/<slug:slug>/protocols/<int:pk>/delete/",
        views.protocol_delete,
        name="protocol_delete",
    ),
    path("network/<slug:slug>/settings/", views.network_settings, name="settings"),
    path("meetings/<int:pk>/remind-replies/", views.remind_replies, name="remind_replies"),
]
