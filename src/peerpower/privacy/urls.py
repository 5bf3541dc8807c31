from django.urls import path

from peerpower.privacy import views

app_name = "privacy"

urlpatterns = [
    path("settings/my-data/", views.my_data, name="mine"),
    path("settings/my-data.json", views.my_data_json, name="mine_json"),
    path("network/<slug:slug>/people/<int:pk>/data/", views.person_data, name="person"),
    path("network/<slug:slug>/people/<int:pk>/erase/", views.person_erase, name="erase"),
    path("network/<slug:slug>/retention/", views.retention, name="retention"),
]
