"""Builders for the networking tests: the network's tags and profiles written through the
real actions."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from peerpower.accounts.models import User
from peerpower.networking import actions
from peerpower.networking.models import Profile, Tag, Visibility
from peerpower.networks.models import Network, Organisation

__all__ = ["Visibility", "make_profile", "make_tags", "png"]


def make_tags(network: Network, *names: str) -> dict[str, Tag]:
    """The network's tags by name (made if missing)."""
    return {n: Tag.objects.get_or_create(network=network, name=n)[0] for n in names}


def make_profile(user: User, network: Network, **changes: Any) -> Profile:
    """The person's profile, started and filled in through the actions; `changes` are
    `actions.ProfileChanges` fields, with tag names for `help_tags` and `seek_tags`."""
    for name in ("help_tags", "seek_tags"):
        if name in changes:
            changes[name] = list(make_tags(network, *changes[name]).values())
    if isinstance(changes.get("organisation"), str):
        changes["organisation"] = Organisation.objects.get_or_create(
            network=network, name=changes["organisation"]
        )[0]
    profile = actions.profile_start(network=network, by=user)
    return actions.profile_update(
        profile=profile, changes=actions.ProfileChanges(**changes), by=user
    )


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (600, 400)) -> bytes:
    """A real image of `size` in `kind`, made with Pillow."""
    out = BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, kind)
    return out.getvalue()


def png(name: str = "me.png", size: tuple[int, int] = (600, 400)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG", size), content_type="image/png")


Sends = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def sends(django_capture_on_commit_callbacks: Any) -> Sends:
    """`with sends():` runs what the actions queued on commit (their emails) at its end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
