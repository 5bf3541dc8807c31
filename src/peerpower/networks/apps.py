from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "peerpower.networks"
    label = "networks"
