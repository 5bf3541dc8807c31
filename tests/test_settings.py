"""Settings: production passes the deployment checks; SQLite is tuned for several workers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 30 + "-a-long-random-looking-secret-key-for-the-check-" + "y" * 20,
        "ALLOWED_HOSTS": "peerpower.example.org",
        "PEERPOWER_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "smtp.example.org",
        # Two-factor secrets are encrypted with it; production has no fallback (see below).
        "PEERPOWER_MFA_KEY": "Jz0KxkQnYSh5dJ3-Ko_TL8vYHc3xrJ2yHdbUQ7bhGfE=",
        # Keys kept outside the database for speaker feedback and for backups (warned of below).
        "PEERPOWER_FEEDBACK_KEY": "a-feedback-key-kept-outside-the-database-0123456789",
        "PEERPOWER_BACKUP_KEY": "mVz3tV1QO0n2pWmKp8m3m4gq0G8vXr9y9w8bqJpZ1yA=",
    }
    # The browser tests' conftest sets this for Playwright in this process; production has it not.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603 - our own manage.py with a fixed argument list
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_check_fails_without_a_two_factor_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 30 + "-a-long-random-looking-secret-key-for-the-check-" + "y" * 20,
        "ALLOWED_HOSTS": "peerpower.example.org",
        "PEERPOWER_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "smtp.example.org",
        "PEERPOWER_MFA_KEY": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert (
        "peerpower.E010) PEERPOWER_MFA_KEY is not set: two-factor secrets cannot be encrypted."
        in result.stderr
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "",
        "PEERPOWER_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db: None) -> None:
    if connection.vendor != "sqlite":
        return  # the PostgreSQL leg has nothing to tune here
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == 20000
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1


def test_check_deploy_warns_when_email_would_not_be_sent(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "peerpower.example.org",
        "PEERPOWER_VAR_DIR": str(tmp_path),
        "EMAIL_HOST": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "peerpower.W001" in result.stderr + result.stdout


def test_check_deploy_warns_when_the_feedback_and_backup_keys_are_not_set(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "peerpower.example.org",
        "PEERPOWER_VAR_DIR": str(tmp_path),
        "PEERPOWER_FEEDBACK_KEY": "",
        "PEERPOWER_BACKUP_KEY": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    printed = result.stderr + result.stdout
    assert "peerpower.W002) PEERPOWER_FEEDBACK_KEY is not set" in printed
    assert "peerpower.W003) PEERPOWER_BACKUP_KEY is not set" in printed


def test_each_xdist_worker_gets_a_redis_database_of_its_own() -> None:
    """The tests empty the cache before each test; workers sharing Redis would empty each
    other's rate-limit counters mid-test."""
    from django.core.exceptions import ImproperlyConfigured

    from peerpower.settings import redis_url_for_worker

    assert redis_url_for_worker("redis://127.0.0.1:6379/15", "gw0") == "redis://127.0.0.1:6379/15"
    assert redis_url_for_worker("redis://127.0.0.1:6379/15", "gw3") == "redis://127.0.0.1:6379/12"
    for url in ("redis://127.0.0.1:6379", "redis://127.0.0.1:6379/1"):
        with pytest.raises(ImproperlyConfigured):
            redis_url_for_worker(url, "gw2")
