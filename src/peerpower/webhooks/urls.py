from django.urls import path

from peerpower.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("network/<slug:slug>/webhooks/", views.endpoints, name="endpoints"),
    path("network/<slug:slug>/webhooks/<int:pk>/", views.endpoint, name="endpoint"),
    path("network/<slug:slug>/webhooks/<int:pk>/test/", views.endpoint_test, name="test"),
    path("network/<slug:slug>/webhooks/<int:pk>/secret/", views.endpoint_secret, name="secret"),
    path("network/<slug:slug>/webhooks/<int:pk>/delete/", views.endpoint_delete, name="delete"),
]
