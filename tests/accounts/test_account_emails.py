"""allauth's emails speak in Peer Power's words, not its stock ones."""

from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.conftest import World


def test_the_password_reset_email_is_in_the_sites_words(world: World) -> None:
    mail.outbox.clear()
    Client().post(reverse("account_reset_password"), {"email": world.member.email})
    [message] = mail.outbox
    assert message.subject == "[Peer Power] Reset your password"
    assert message.body.startswith("Hello Maya Member,\n\nSomeone, we hope you, asked to reset")
    assert "Hello from" not in message.body and "Thank you for using" not in message.body
    assert "/accounts/password/reset/key/" in message.body
    assert message.body.rstrip().splitlines()[-1] == "— Peer Power"


def test_an_unconfirmed_address_gets_the_sites_confirmation_email(db: None) -> None:
    user = factories.make_user("Nia New")
    EmailAddress.objects.filter(user=user).update(verified=False)
    mail.outbox.clear()
    Client().post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    [message] = mail.outbox
    assert message.subject == "[Peer Power] Confirm your email address"
    assert "Please confirm that this is your email address for Peer Power." in message.body
    assert "Hello from" not in message.body


def test_allauths_pages_are_in_sentence_case(world: World) -> None:
    page = Client().get(reverse("account_reset_password")).content.decode()
    assert "Password reset" in page and "Password Reset" not in page
    client = Client()
    client.force_login(world.member)
    change = client.get(reverse("account_change_password")).content.decode()
    assert "Change password" in change and "Change Password" not in change
    assert "Current password" in change
    assert "New password (again)" in change and "New Password" not in change
    for url in (reverse("mfa_index"), reverse("account_email")):
        page = client.get(url).content.decode()
        assert page.count("<h1") == 1
        for title_case in ("Two-Factor Authentication", "Make Primary", "Re-send Verification"):
            assert title_case not in page, (url, title_case)
    assert "Two-factor authentication" in client.get(reverse("mfa_index")).content.decode()
