"""Recording a consent with its words (models only: the apps' actions call this as part of the
act that asks for the consent, which has made its own checks)."""

import hashlib
from typing import TYPE_CHECKING

from peerpower.privacy.models import Consent, ConsentText

if TYPE_CHECKING:
    from peerpower.accounts.models import User
    from peerpower.guests.models import GuestRequest
    from peerpower.networks.models import Network


def version_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def consent_record(
    *,
    kind: Consent.Kind,
    text: str,
    network: "Network",
    user: "User | None" = None,
    guest_request: "GuestRequest | None" = None,
) -> Consent:
    """Record that the person agreed to `text` (stored once per version)."""
    words, _ = ConsentText.objects.get_or_create(version=version_of(text), defaults={"text": text})
    return Consent.objects.create(
        user=user, guest_request=guest_request, network=network, kind=kind, words=words
    )
