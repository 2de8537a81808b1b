from collections.abc import Callable

import pytest

from tests.inbox.conftest import ctx, world

__all__ = ["ctx", "databases", "world"]


@pytest.fixture
def databases(make_database: Callable[[], str]) -> tuple[str, str]:
    """Two fresh databases: the old server's and the new one's."""
    return make_database(), make_database()
