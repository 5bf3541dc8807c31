"""Print a new key for PEERPOWER_MFA_KEY."""

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print a new Fernet key for PEERPOWER_MFA_KEY (the key that encrypts two-factor "
        "secrets). To rotate, put it first: PEERPOWER_MFA_KEY=new,old; then run mfa_reencrypt."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(Fernet.generate_key().decode())
