from django.urls import path

from peerpower.speakers import views

app_name = "speakers"

urlpatterns = [
    path("network/<slug:slug>/speakers/", views.directory, name="directory"),
    path("network/<slug:slug>/speakers/new/", views.speaker_add, name="add"),
    path("network/<slug:slug>/speakers/settings/", views.bureau_settings, name="settings"),
    path(
        "network/<slug:slug>/speakers/programme/", views.network_programme, name="network_programme"
    ),
    path("network/<slug:slug>/speakers/mine/", views.own_profile, name="own_profile"),
    path("speakers/<int:pk>/", views.profile, name="profile"),
    path("speakers/<int:pk>/edit/", views.profile_edit, name="edit"),
    path("speakers/<int:pk>/invite/", views.speaker_invite, name="invite"),
    path("speakers/<int:pk>/book/", views.book, name="book"),
    path("speaking/", views.home, name="home"),
    path("bookings/<int:pk>/", views.booking_detail, name="booking"),
    path("bookings/<int:pk>/accept/", views.booking_accept, name="accept"),
    path("bookings/<int:pk>/decline/", views.booking_decline, name="decline"),
    path("bookings/<int:pk>/withdraw/", views.booking_withdraw, name="withdraw"),
    path("bookings/<int:pk>/resources/", views.resource_upload, name="upload"),
    path("bookings/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("resources/<int:pk>/", views.resource_download, name="resource"),
    path("resources/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
    path("groups/<int:pk>/programme/", views.group_programme, name="programme"),
]
