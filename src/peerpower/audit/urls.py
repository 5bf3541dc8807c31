from django.urls import path

from peerpower.audit import views

app_name = "audit"

urlpatterns = [
    path("network/<slug:slug>/audit/", views.log, name="log"),
]
