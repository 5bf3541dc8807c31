"""allauth hooks: people join by invitation only, never by open sign-up; two-factor secrets are
encrypted at rest with keys from the environment, never kept in the database."""

import base64
import hashlib
from functools import cache

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


def development_key() -> str:
    """Outside production, with no PEERPOWER_MFA_KEY, a key derived from SECRET_KEY (so the
    secrets are still not in the database in plain text)."""
    digest = hashlib.sha256(f"peerpower-mfa:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def mfa_keys() -> list[str]:
    """The Fernet keys, newest first: the first encrypts, every one decrypts."""
    keys = list(settings.PEERPOWER_MFA_KEYS)
    if not keys:
        if settings.PRODUCTION:
            raise ImproperlyConfigured("Set PEERPOWER_MFA_KEY in the environment for production.")
        keys = [development_key()]
    return keys


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(mfa_keys()))


class MfaAdapter(DefaultMFAAdapter):
    """Encrypts each TOTP secret and recovery-code seed with the newest key."""

    def encrypt(self, text: str) -> str:
        return fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken:
            raise ImproperlyConfigured(
                "A two-factor secret could not be decrypted: is its key still in "
                "PEERPOWER_MFA_KEY? See docs/operators.md, rotating the two-factor key."
            ) from None
