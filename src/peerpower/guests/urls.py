"""Guest addresses: the public page and request under /n/<slug>/, the admin's under
/network/<slug>/guests/, the chair's under /meetings/<pk>/guests/, the guest's under /guests/."""

from django.urls import path

from peerpower.guests import views

app_name = "guests"

urlpatterns = [
    path("n/<slug:slug>/", views.public_page, name="public"),
    path("n/<slug:slug>/request/", views.request_form, name="request_form"),
    path("guests/confirm/<str:token>/", views.confirm, name="confirm"),
    path("guests/withdraw/<str:token>/", views.withdraw, name="withdraw"),
    path("guests/join/<str:token>/", views.join, name="join"),
    path("guests/", views.mine, name="mine"),
    path("guests/avoid/", views.avoid, name="avoid"),
    path("guests/avoid/<int:pk>/remove/", views.avoid_remove, name="avoid_remove"),
    path("guests/<int:pk>/", views.visit, name="visit"),
    path("guests/<int:pk>/pledge/", views.pledge, name="pledge"),
    path("guests/<int:pk>/calendar.ics", views.visit_ics, name="ics"),
    path("guests/<int:pk>/cannot-come/", views.cannot_come, name="cannot_come"),
    path("guests/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("guests/<int:pk>/apply/", views.apply, name="apply"),
    path("network/<slug:slug>/guests/", views.triage, name="triage"),
    path("network/<slug:slug>/guests/settings/", views.guest_settings, name="settings"),
    path(
        "network/<slug:slug>/guests/groups/<int:pk>/", views.group_settings, name="group_settings"
    ),
    path("network/<slug:slug>/guests/funnel/", views.funnel_page, name="funnel"),
    path("network/<slug:slug>/guests/funnel.csv", views.funnel_csv, name="funnel_csv"),
    path("network/<slug:slug>/guests/<int:pk>/", views.request_detail, name="request"),
    path("network/<slug:slug>/guests/<int:pk>/check/", views.conflict_check, name="check"),
    path(
        "network/<slug:slug>/guests/<int:pk>/findings/<int:finding_id>/",
        views.finding_decide,
        name="finding",
    ),
    path("network/<slug:slug>/guests/<int:pk>/invite/", views.invite, name="invite"),
    path("network/<slug:slug>/guests/<int:pk>/decline/", views.decline, name="decline"),
    path(
        "network/<slug:slug>/guests/<int:pk>/application/",
        views.application_decide,
        name="application",
    ),
    path("meetings/<int:pk>/guests/", views.meeting_guests, name="meeting_guests"),
    path(
        "meetings/<int:pk>/guests/<int:request_id>/decide/",
        views.chair_decide,
        name="chair_decide",
    ),
]
