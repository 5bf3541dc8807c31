from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "peerpower.api"
    label = "api"
    verbose_name = "HTTP API"
