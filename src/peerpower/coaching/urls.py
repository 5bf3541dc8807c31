from django.urls import path

from peerpower.coaching import views

app_name = "coaching"

urlpatterns = [
    path("coaching/", views.home, name="home"),
    path("coaching/engagements/<int:pk>/", views.engagement_detail, name="engagement"),
    path("coaching/engagements/<int:pk>/book/", views.book, name="book"),
    path("coaching/engagements/<int:pk>/change/", views.engagement_change, name="change"),
    path("coaching/engagements/<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("coaching/goals/<int:pk>/progress/", views.goal_progress, name="goal_progress"),
    path("coaching/goals/<int:pk>/link/", views.goal_link, name="goal_link"),
    path("coaching/sessions/<int:pk>/", views.session_detail, name="session"),
    path("coaching/sessions/<int:pk>/move/", views.reschedule, name="reschedule"),
    path("coaching/sessions/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("coaching/sessions/<int:pk>/waive/", views.waive, name="waive"),
    path("coaching/sessions/<int:pk>/mark/", views.mark, name="mark"),
    path("coaching/sessions/<int:pk>/notes/", views.note, name="note"),
    path("coaching/hours/<int:pk>/remove/", views.rule_remove, name="rule_remove"),
    path("coaching/days/<int:pk>/remove/", views.exception_remove, name="exception_remove"),
    path("network/<slug:slug>/coaching/", views.manage, name="manage"),
    path("network/<slug:slug>/coaching/settings/", views.settings_view, name="settings"),
    path("network/<slug:slug>/coaching/areas/", views.areas, name="areas"),
    path("network/<slug:slug>/coaching/utilisation/", views.utilisation, name="utilisation"),
    path(
        "network/<slug:slug>/coaching/utilisation.csv",
        views.utilisation_csv,
        name="utilisation_csv",
    ),
    path("network/<slug:slug>/coaching/profile/", views.profile, name="profile"),
    path("network/<slug:slug>/coaching/profile/hours/", views.rule_add, name="rule_add"),
    path("network/<slug:slug>/coaching/profile/days/", views.exception_add, name="exception_add"),
]
