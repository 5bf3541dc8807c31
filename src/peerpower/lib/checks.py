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


@register("security", deploy=True)
def keys_outside_the_database(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Two keys that keep confidential things apart from the database. Without the feedback key,
    one is derived from SECRET_KEY, so changing SECRET_KEY would lose the answers of feedback
    windows still open; without the backup key, `manage.py backup` refuses to run encrypted."""
    found: list[CheckMessage] = []
    if not settings.PEERPOWER_FEEDBACK_KEYS:
        found.append(
            CheckWarning(
                "PEERPOWER_FEEDBACK_KEY is not set: the key that seals who has answered speaker "
                "feedback is derived from SECRET_KEY.",
                hint="Set PEERPOWER_FEEDBACK_KEY before you ever change SECRET_KEY "
                "(docs/operators.md).",
                id="peerpower.W002",
            )
        )
    if not settings.PEERPOWER_BACKUP_KEYS:
        found.append(
            CheckWarning(
                "PEERPOWER_BACKUP_KEY is not set: backups cannot be encrypted.",
                hint="Make one with `manage.py backup --new-key`; keep it apart from the backups.",
                id="peerpower.W003",
            )
        )
    return found
