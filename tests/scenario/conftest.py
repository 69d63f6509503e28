"""Fixtures more than one scenario file serves itself from."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.feedserver import FeedServer, start_feed_server


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    """A feed server of the test's own; the test sets what each path serves."""
    server = await start_feed_server()
    yield server
    await server.server.close()
