"""Group formation, for the network's admins: /network/<slug>/formation/."""

from django.urls import path

from peerpower.formation import views

app_name = "formation"

urlpatterns = [
    path("network/<slug:slug>/formation/", views.pool, name="pool"),
    path("network/<slug:slug>/formation/import/", views.pool_import, name="import"),
    path(
        "network/<slug:slug>/formation/people/<int:pk>/remove/",
        views.candidate_remove,
        name="remove",
    ),
    path("network/<slug:slug>/formation/competitors/", views.decide, name="decide"),
    path("network/<slug:slug>/formation/runs/new/", views.run_new, name="run_new"),
    path("network/<slug:slug>/formation/runs/<int:pk>/", views.run_detail, name="run"),
    path(
        "network/<slug:slug>/formation/runs/<int:pk>/progress/",
        views.run_progress,
        name="progress",
    ),
    path("network/<slug:slug>/formation/runs/<int:pk>/move/", views.run_move, name="move"),
    path("network/<slug:slug>/formation/runs/<int:pk>/lock/", views.run_lock, name="lock"),
    path("network/<slug:slug>/formation/runs/<int:pk>/rerun/", views.run_rerun, name="rerun"),
    path("network/<slug:slug>/formation/runs/<int:pk>/accept/", views.run_accept, name="accept"),
]
