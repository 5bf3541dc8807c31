from django.urls import path

from peerpower.networking import views

app_name = "networking"

urlpatterns = [
    path("people/", views.home, name="home"),
    path("network/<slug:slug>/people/", views.directory, name="directory"),
    path("network/<slug:slug>/people/me/", views.own_profile, name="own_profile"),
    path("network/<slug:slug>/people/tags/", views.tags, name="tags"),
    path("people/<int:pk>/", views.profile, name="profile"),
    path("people/<int:pk>/photo.jpg", views.photo, name="photo"),
    path("people/<int:pk>/introduce/", views.introduce, name="introduce"),
    path("groups/<int:pk>/introduce/", views.introduce_members, name="introduce_members"),
    path("introductions/", views.introductions, name="introductions"),
    path("introductions/<int:pk>/", views.introduction, name="introduction"),
    path("introductions/<int:pk>/answer/", views.answer, name="answer"),
    path("network/<slug:slug>/opportunities/", views.board, name="board"),
    path("network/<slug:slug>/opportunities/new/", views.opportunity_new, name="opportunity_new"),
    path("opportunities/<int:pk>/", views.opportunity, name="opportunity"),
    path("opportunities/<int:pk>/extend/", views.opportunity_extend, name="opportunity_extend"),
    path("opportunities/<int:pk>/close/", views.opportunity_close, name="opportunity_close"),
    path("people/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
