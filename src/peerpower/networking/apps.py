from django.apps import AppConfig


class NetworkingConfig(AppConfig):
    name = "peerpower.networking"
    verbose_name = "Networking"
