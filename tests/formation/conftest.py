from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

Sends = Callable[[], AbstractContextManager[Any]]


@pytest.fixture
def runs(django_capture_on_commit_callbacks: Any) -> Sends:
    """Run what actions queue on commit (the formation task, emails) inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
