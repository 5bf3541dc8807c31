"""Deployment checks of our own, run by `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Warning as CheckWarning


@register("email", deploy=True)
def email_is_sent(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Invitations and calendar changes are the product; writing them to a folder in production
    would look like success while nobody receives anything."""
    if "filebased" in settings.EMAIL_BACKEND or "console" in settings.EMAIL_BACKEND:
        return [
            CheckWarning(
                "Email is written to a folder or the console, not sent.",
                hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to send by SMTP.",
                id="peerpower.W001",
            )
        ]
    return []
