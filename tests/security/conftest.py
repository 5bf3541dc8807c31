from tests.issues.conftest import session  # noqa: F401  re-export the issues `session` fixture
