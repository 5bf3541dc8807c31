"""Re-encrypt every two-factor secret with the newest key of PEERPOWER_MFA_KEY."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from peerpower.accounts.mfa import reencrypt_all


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored two-factor secret (authenticator-app secrets, recovery-code "
        "seeds) with the first key of PEERPOWER_MFA_KEY. Run it after putting a new key first; "
        "once it has run, the old key can be removed from PEERPOWER_MFA_KEY."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = reencrypt_all()
        self.stdout.write(
            ngettext(
                "Re-encrypted %(count)d two-factor secret with the newest key.",
                "Re-encrypted %(count)d two-factor secrets with the newest key.",
                count,
            )
            % {"count": count}
        )
