"""Two-factor secrets at rest: which fields of allauth's Authenticator hold them, and
re-encrypting them with the newest key (after a key rotation, and in the migration that first
encrypted them)."""

from typing import Any

from allauth.mfa.models import Authenticator
from django.db import transaction

from peerpower.accounts.adapter import fernet

# The parts of Authenticator.data that allauth passes through the adapter's encrypt().
SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}


def _rotate(value: str) -> str:
    return fernet().rotate(value.encode()).decode()


def reencrypt_data(kind: str, data: dict[str, Any], encrypt_plain: bool = False) -> dict[str, Any]:
    """The same data with its secrets encrypted by the newest key. With `encrypt_plain`,
    values not yet encrypted (stored before encryption was on) are encrypted too."""
    f = fernet()

    def one(value: str) -> str:
        if encrypt_plain and not value.startswith("gAAAAA"):
            return f.encrypt(value.encode()).decode()
        return _rotate(value)

    data = dict(data)
    for field in SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(field), str):
            data[field] = one(data[field])
    for field in SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(field), list):
            data[field] = [one(v) for v in data[field]]
    return data


def reencrypt_all() -> int:
    """Re-encrypt every authenticator's secrets with the newest key; locks the rows."""
    count = 0
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update().exclude(
            type=Authenticator.Type.WEBAUTHN  # passkeys hold public keys, no secrets
        ):
            authenticator.data = reencrypt_data(authenticator.type, authenticator.data)
            authenticator.save(update_fields=["data"])
            count += 1
    return count
