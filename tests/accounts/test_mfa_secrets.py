"""Two-factor secrets are encrypted at rest, and log-in survives rotating the key."""

import importlib

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from peerpower.accounts.models import User
from tests import factories

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def code_for(secret: str) -> str:
    counters = list(yield_hotp_counters_from_time())
    return str(format_hotp_value(hotp_value(secret, counters[len(counters) // 2])))


def with_authenticator_app(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return str(secret)


def stored_secret(user: User) -> str:
    return str(Authenticator.objects.get(user=user, type="totp").data["secret"])


def logs_in(user: User, secret: str) -> bool:
    client = Client()
    first = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )
    assert first["Location"] == reverse("mfa_authenticate")
    second = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    return second.status_code == 302 and second["Location"] == "/"


def test_the_database_holds_no_plain_secret(db: None) -> None:
    user = factories.make_user("Helen Chair")
    secret = with_authenticator_app(user)
    stored = stored_secret(user)
    assert secret not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    assert decrypt(stored) == secret


def test_log_in_works_after_the_key_is_rotated_by_the_documented_steps(
    db: None, settings: SettingsWrapper
) -> None:
    settings.PEERPOWER_MFA_KEYS = [KEY_A]
    user = factories.make_user("Helen Chair")
    secret = with_authenticator_app(user)
    assert Fernet(KEY_A.encode()).decrypt(stored_secret(user).encode()).decode() == secret
    # 1. the new key goes first, the old one stays; 2. mfa_reencrypt; 3. the old key goes.
    settings.PEERPOWER_MFA_KEYS = [KEY_B, KEY_A]
    call_command("mfa_reencrypt")
    settings.PEERPOWER_MFA_KEYS = [KEY_B]
    assert Fernet(KEY_B.encode()).decrypt(stored_secret(user).encode()).decode() == secret
    assert logs_in(user, secret)


def test_the_migration_encrypts_secrets_stored_in_plain_text(db: None) -> None:
    user = factories.make_user("Helen Chair")
    secret = with_authenticator_app(user)
    Authenticator.objects.filter(user=user, type="totp").update(data={"secret": secret})
    migration = importlib.import_module("peerpower.accounts.migrations.0004_encrypt_mfa_secrets")
    migration.encrypt(apps, None)
    assert stored_secret(user).startswith("gAAAAA")
    assert decrypt(stored_secret(user)) == secret
    assert logs_in(user, secret)
    migration.decrypt(apps, None)  # and back
    assert stored_secret(user) == secret
