"""The ``[loopback]`` settings table, owned by the platform like every platform's."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import field_validator

from config.sections import PlatformSection, Section


class LoopbackSettings(Section):
    """The loopback chat platform (tests, benchmarks): off unless ``url`` is set."""

    #: A loopback chat server (tests/fakes/chat_fake.py).
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        """Checked here: a bare host:port used to fail later as a "network" error."""
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError(f"expected the chat server's http:// address, e.g. "
                             f"http://127.0.0.1:8765, got {value!r}")
        return value


SECTION = PlatformSection("loopback", LoopbackSettings,
                          env={"CEASEFIRE_BOT_LOOPBACK_URL": "url"})
