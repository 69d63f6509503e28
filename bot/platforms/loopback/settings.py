"""The ``[loopback]`` settings table, owned by the platform like every platform's."""

from __future__ import annotations

from config.sections import PlatformSection, Section


class LoopbackSettings(Section):
    """The loopback chat platform (tests, benchmarks): off unless ``url`` is set."""

    #: A loopback chat server (tests/fakes/chat_fake.py).
    url: str | None = None


SECTION = PlatformSection("loopback", LoopbackSettings,
                          env={"CEASEFIRE_BOT_LOOPBACK_URL": "url"})
