"""Deployment checks for accounts, run by `manage.py check --deploy`."""

from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Error as CheckError


@register("security", deploy=True)
def mfa_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Two-factor secrets are encrypted with keys from the environment; in production there is
    no fallback, so the service must not start without one."""
    keys = list(settings.PEERPOWER_MFA_KEYS)
    if not keys:
        return [
            CheckError(
                "PEERPOWER_MFA_KEY is not set: two-factor secrets cannot be encrypted.",
                hint="Make one with `manage.py mfa_key` and set PEERPOWER_MFA_KEY to it.",
                id="peerpower.E010",
            )
        ]
    errors: list[CheckMessage] = []
    for n, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            errors.append(
                CheckError(
                    f"Key {n} of PEERPOWER_MFA_KEY is not a Fernet key.",
                    hint="Each key is 32 random bytes in URL-safe base64 (`manage.py mfa_key`).",
                    id="peerpower.E011",
                )
            )
    return errors
