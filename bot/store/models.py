"""SQLAlchemy 2 models. Times are stored in UTC."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates
from sqlalchemy.types import TypeDecorator

from bot.clock import utc


class Base(DeclarativeBase):
    pass


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, also on SQLite (which drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else utc(value)


class Feed(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str | None] = mapped_column(String(8))
    #: Added by a user through chat (SSRF rules apply) rather than by the operator.
    user_added: Mapped[bool] = mapped_column(Boolean, default=False)
    full_text: Mapped[bool] = mapped_column(Boolean, default=False)
    interval_minutes: Mapped[float | None] = mapped_column(Float)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_notified: Mapped[bool] = mapped_column(Boolean, default=False)
    items: Mapped[int] = mapped_column(Integer, default=0)
    #: False until the first successful poll stored its backlog (which is never posted).
    seeded: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedOwner(Base):
    """A server, workspace or DM user that added a feed from chat: the feed's new stories
    are posted only to that scope's subscriptions. Operator feeds have no owners (global);
    a chat feed whose last owner removed it is no longer polled."""

    __tablename__ = "feed_owners"
    __table_args__ = (UniqueConstraint("feed_id", "scope", name="uq_feed_owner"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    #: ``platform:space:ID``, ``platform:channel:ID`` or ``platform:user:ID`` (bot.news.scope).
    scope: Mapped[str] = mapped_column(String(300), index=True)
    added_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Story(Base):
    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    headline: Mapped[str] = mapped_column(Text)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    latest_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: Bumped when a newer article adds facts the story did not have.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: Posting is allowed (False for backlog and old stories).
    newsworthy: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    articles: Mapped[list[Article]] = relationship(
        back_populates="story", order_by="Article.published_at"
    )


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (UniqueConstraint("feed_id", "guid", name="uq_article_feed_guid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="SET NULL"))
    guid: Mapped[str] = mapped_column(String(2048))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    #: The feed gave no date; ``published_at`` is the fetch time.
    date_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Indexed: the answer index asks for articles updated since its newest stamp
    #: (``bot.answer.engine``), about once a second.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    #: When this text was stored (insert or new version), by the storing process's clock,
    #: not the feed's date: the answer index re-reads what changed since its watermark
    #: (``bot.answer.engine``), and a revision dated before one already indexed is stored
    #: after it. Indexed: that check runs about once a second.
    #: ``sort_order``: the table's last column, where its migration added it (a new store
    #: created at once has its columns in the migrated order, bot/store/db.py).
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True,
                                                        sort_order=1)
    #: How many newer versions replaced this article's text.
    update_count: Mapped[int] = mapped_column(Integer, default=0)
    #: Text before the latest update, kept so readers can see what changed.
    previous_text: Mapped[str | None] = mapped_column(Text)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    story_id: Mapped[int | None] = mapped_column(
        ForeignKey("stories.id", ondelete="SET NULL"), index=True
    )

    story: Mapped[Story | None] = relationship(back_populates="articles")


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("platform", "channel_id", name="uq_subscription_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    #: Channel id, or the DM channel id for a user subscription.
    channel_id: Mapped[str] = mapped_column(String(128))
    space_id: Mapped[str | None] = mapped_column(String(128))
    #: The platform's routing number of ``space_id`` (its shard is ``route % count``), set
    #: by the sender of a sharded platform before it claims rows; None: not yet, or no space.
    #: (The table's last column, where its migration added it, as ``changed_at``.)
    route: Mapped[int | None] = mapped_column(BigInteger, sort_order=1)
    is_dm: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[str | None] = mapped_column(String(128))
    realtime: Mapped[bool] = mapped_column(Boolean, default=True)
    daily_at: Mapped[str | None] = mapped_column(String(5))
    lang: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))
    keywords: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_reason: Mapped[str | None] = mapped_column(Text)
    #: Stories up to this time are "backlog" for this subscription and never posted.
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    last_digest_on: Mapped[str | None] = mapped_column(String(10))
    created_by: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @validates("space_id")
    def _space_changed(self, _key: str, space_id: str | None) -> str | None:
        """Another space (a re-subscribe) has another route: worked out again before the
        next claim."""
        if space_id != self.space_id:
            self.route = None
        return space_id


class Delivery(Base):
    """One outbox row: one platform message to send, exactly once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique delivery key: subscription, story or digest, and part.
    key: Mapped[str] = mapped_column(String(255), unique=True)
    parent_key: Mapped[str | None] = mapped_column(String(255), index=True)
    #: Another row whose message this one links to (posted top-level, not in its thread):
    #: it is sent once that row is sent, or without the link if that row never will be.
    #: (The table's last column, where its migration added it, as ``changed_at``.)
    link_key: Mapped[str | None] = mapped_column(String(255), sort_order=1)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(128))
    story_id: Mapped[int | None] = mapped_column(Integer)
    part: Mapped[int] = mapped_column(Integer, default=0)
    payload: Mapped[str] = mapped_column(Text)
    #: pending -> claimed -> sent | failed (permanent) | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A send was started; after a crash its outcome is unknown until checked.
    send_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[str | None] = mapped_column(String(128))
    thread_id: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PostedStory(Base):
    """Where a story was posted in a channel, so follow-ups go into its thread."""

    __tablename__ = "posted_stories"
    __table_args__ = (UniqueConstraint("subscription_id", "story_id", name="uq_posted_story"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE")
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str | None] = mapped_column(String(128))
    thread_id: Mapped[str | None] = mapped_column(String(128))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    #: Key points already said in this channel, so later briefings say something new.
    said: Mapped[list[str]] = mapped_column(JSON, default=list)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnswerLog(Base):
    """An answer given, for feedback buttons and follow-up questions in a thread or DM."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(128))
    thread_id: Mapped[str | None] = mapped_column(String(128))
    user_id: Mapped[str | None] = mapped_column(String(128))
    #: The conversation it belongs to, where conversations end (a console session).
    #: (The table's last column, where its migration added it, as ``changed_at``.)
    session_id: Mapped[str | None] = mapped_column(String(64), sort_order=1)
    question: Mapped[str] = mapped_column(Text)
    answerable: Mapped[bool] = mapped_column(Boolean)
    article_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    story_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("answer_id", "user_id", name="uq_feedback_vote"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    helpful: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FollowUpClick(Base):
    """One click on a follow-up button (or its typed form): counted with the feedback."""

    __tablename__ = "follow_up_clicks"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    #: ``a``: under an answer, ``s``: under a story's update post.
    source: Mapped[str] = mapped_column(String(1))
    #: The answer or story id the key named.
    ref_id: Mapped[int] = mapped_column(BigInteger)
    question: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JobRun(Base):
    """Scheduled work already done (digests), so a restart never does it twice."""

    __tablename__ = "job_runs"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RateWindow(Base):
    """A rate-limit window shared by several processes (``scale.budget = "postgres"``):
    the calls reserved in its last period as ``[token, epoch seconds]`` (server clock)."""

    __tablename__ = "rate_windows"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    slots: Mapped[list[list[str | float]]] = mapped_column(JSON, default=list)


class Visit(Base):
    """When a user last asked the bot something or was posted to, per conversation, so
    ``since my last visit`` knows where they left off."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("platform", "channel_id", "user_id", name="uq_visit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KnownBlockShown(Base):
    """The story revision a posted "what we know" block shows since it was last edited
    (a block never edited shows the revision in its outbox payload)."""

    __tablename__ = "known_blocks"

    #: The outbox row that posted the block (its message id is there).
    delivery_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    story_id: Mapped[int] = mapped_column(Integer, index=True)
    revision: Mapped[int] = mapped_column(Integer)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IdBlock(Base):
    """The next id a process may reserve for a table whose ids are handed out before the
    row is written (``bot/store/later.py`` on SQLite): each process takes a block of ids
    in one short write, so two processes on one file never hand out the same id."""

    __tablename__ = "id_blocks"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_id: Mapped[int] = mapped_column(BigInteger)
