"""`sends`: run what actions queue on commit (emails, the public page's cache) as it would in
production, inside a test's transaction."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

Sends = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def sends(django_capture_on_commit_callbacks: Any) -> Sends:
    return lambda: django_capture_on_commit_callbacks(execute=True)
