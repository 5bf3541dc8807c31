from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers; an app only so that its template tags and form templates load."""

    name = "peerpower.lib"
    label = "peerpower_lib"

    def ready(self) -> None:
        from peerpower.lib import checks  # noqa: F401, PLC0415 — registers the deployment checks once apps are ready
