from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "peerpower.networks"
    label = "networks"

    def ready(self) -> None:
        from peerpower.networks import rules  # noqa: F401 — registers the rule set once the apps are loaded
