"""Tokens for the API tests: `token_for(user)` makes a real one through the action."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from peerpower.accounts.models import User
from peerpower.api.actions import token_create
from peerpower.networks.models import Network

TokenFor = Callable[..., str]


@pytest.fixture
def token_for(db: None) -> TokenFor:
    def make(user: User, network: Network, access: str = "read") -> str:
        _, raw = token_create(
            by=user,
            network=network,
            name="Test",
            access=access,
            expires_on=timezone.localdate() + timedelta(days=30),
        )
        return raw

    return make


def api_get(raw: str, path: str, **params: int | str) -> tuple[int, object]:
    response = Client().get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {raw}")
    return response.status_code, response.json()
