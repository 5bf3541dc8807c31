from django.apps import AppConfig


class LibConfig(AppConfig):
    """Shared helpers; an app only so that its template tags and form templates load."""

    name = "peerpower.lib"
    label = "peerpower_lib"
