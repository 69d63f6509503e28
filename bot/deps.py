"""What the engine needs, built once at the entry point and passed down (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.answer.engine import Engine
from bot.brief.cache import BriefingCache
from bot.clock import Clock, SystemClock
from bot.delivery.subscribing import SubscriptionWriter
from bot.delivery.welcomes import WelcomeCache
from bot.store.db import SessionFactory
from bot.store.later import LateWriter
from bot.text.topic import Topic
from bot.timeline.cache import TimelinePictures
from config.settings import Settings

if TYPE_CHECKING:
    import aiohttp


@dataclass
class Deps:
    settings: Settings
    sessions: SessionFactory
    http: aiohttp.ClientSession
    clock: Clock = field(default_factory=SystemClock)
    #: The answer index, kept for the life of the process and refreshed from the store.
    engine: Engine = field(default_factory=Engine)
    #: Session for user-added feeds: its resolver refuses private addresses (SSRF guard).
    guarded_http: aiohttp.ClientSession | None = None
    #: Briefings shared by the channels of one fan-out, welcome or digest run.
    briefings: BriefingCache = field(default_factory=BriefingCache)
    #: New subscriptions arriving together are written in one transaction.
    subscriptions: SubscriptionWriter = field(default_factory=SubscriptionWriter)
    #: The welcome channels subscribing in the same minute share.
    welcomes: WelcomeCache = field(default_factory=WelcomeCache)
    #: Rows written after the reply (answer log, visits); None: written before it.
    later: LateWriter | None = None

    #: Timeline pictures, cached on disk under the data directory (built in __post_init__).
    pictures: TimelinePictures | None = None

    def __post_init__(self) -> None:
        if self.pictures is None:
            self.pictures = TimelinePictures(self.settings.data_dir / "cache" / "timeline")
        self.topic = Topic(self.settings.topic.include, self.settings.topic.exclude)
        self.topic.check()

    def on_topic(self, text: str) -> bool:
        """The article is about the followed topic."""
        return self.topic.matches(text)
