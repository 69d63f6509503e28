"""The platform-neutral message model: what adapters hand to handlers, and what comes back.

Text fields hold a small Markdown subset (``**bold**``, ``code``, line breaks) and never
links: a link comes only from a structured URL field (a source card's, a citation's). Every
adapter converts the subset for its platform and makes all other text inert there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import TypeAdapter

Lang = Literal["ja", "en"]
RequestKind = Literal["command", "mention", "dm", "thread_reply"]


#: The command a follow-up button sends (and the console and loopback type): ``more <key>``.
FOLLOW_UP_COMMAND = "more"


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Request:
    """One thing a user asked, whatever the platform."""

    platform: str
    command: str
    text: str = ""
    kind: RequestKind = "command"
    user_id: str = ""
    channel_id: str = ""
    thread_id: str | None = None
    #: Workspace (Slack team) or guild (Discord) id, when there is one.
    space_id: str | None = None
    is_dm: bool = False
    #: The user may manage this channel's subscriptions (checked by the adapter).
    can_manage: bool = False
    #: Who may, in the platform's words, for the refusal message.
    manager_hint: str = "channel managers"
    lang: Lang | None = None
    timezone: str | None = None
    #: A conversation that ends (one console session): follow-up context stays inside it.
    session_id: str | None = None
    #: The channel the person is looking at while asking elsewhere (Slack's agent DM): its
    #: subscription, if any, is the question's context (language, keywords).
    context_channel_id: str | None = None
    #: Typed argument values (``(name, value)`` pairs, as the command declares them): set
    #: by platforms with native typed options, else bound from ``text`` by ``dispatch``.
    args: tuple[tuple[str, str], ...] = ()
    request_id: str = field(default_factory=new_request_id)

    def arg(self, name: str) -> str | None:
        """The value of argument ``name``, or None when it was not given."""
        return next((value for key, value in self.args if key == name), None)


@dataclass(frozen=True)
class Citation:
    n: int
    title: str
    url: str
    source: str
    published: datetime | None = None
    lang: Lang = "en"


@dataclass(frozen=True)
class Sentence:
    """A sentence quoted exactly as its source wrote it, with its citation numbers."""

    text: str
    refs: tuple[int, ...] = ()
    published: datetime | None = None


@dataclass(frozen=True)
class Attachment:
    """A file sent with a reply (the timeline picture): a local file the adapter uploads."""

    path: str
    filename: str
    #: Alt text for screen readers; the reply's text carries the same content in full.
    description: str = ""
    kind: Literal["attachment"] = "attachment"


@dataclass(frozen=True)
class Reply:
    """Plain Markdown-subset text, optionally with a file attached."""

    text: str
    ephemeral: bool = False
    attachment: Attachment | None = None
    kind: Literal["reply"] = "reply"


@dataclass(frozen=True)
class FollowUp:
    """A suggested next question under an answer or update post (a button, or a line to
    type). ``key`` names where it came from (``bot.brief.followups``), never its text, so a
    click cannot carry words of its own: the server derives the question again from it."""

    label: str
    question: str
    key: str = ""


@dataclass(frozen=True)
class Answer:
    question: str
    answerable: bool
    sentences: tuple[Sentence, ...]
    citations: tuple[Citation, ...]
    lang: Lang = "en"
    note: str = ""
    #: Store id so feedback buttons can refer to it.
    answer_id: int | None = None
    story_id: int | None = None
    #: Store ids of the cited articles, in citation order (for follow-up questions).
    article_ids: tuple[int, ...] = ()
    #: Suggested next questions (buttons under the answer).
    follow_ups: tuple[FollowUp, ...] = ()
    kind: Literal["answer"] = "answer"
    #: Why "No source found" (a short code: which check refused), for error analysis.
    refusal: str = ""

    @property
    def text(self) -> str:
        """The cited sentences; dated when they come from reports of different days, so a
        reader sees which report is newer."""
        dated = len({s.published.date() for s in self.sentences if s.published}) > 1
        out: list[str] = []
        last = None
        for s in self.sentences:
            prefix = ""
            if dated and s.published is not None and s.published.date() != last:
                last = s.published.date()
                prefix = f"({last.isoformat()}) "
            out.append(prefix + s.text + "".join(f"[{n}]" for n in s.refs))
        return " ".join(out) or self.note


@dataclass(frozen=True)
class QA:
    question: str
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class SourceCard:
    n: int
    source: str
    title: str
    url: str
    bullets: tuple[str, ...]
    published: datetime | None = None
    lang: Lang = "en"


@dataclass(frozen=True)
class TimelineEntry:
    when: datetime
    text: str
    story_id: int | None = None


# --- the parts a briefing is posted as: one channel message, then thread replies ---------


@dataclass(frozen=True)
class UpdatePost:
    story_id: int
    headline: str
    key_points: tuple[str, ...]
    outlets: tuple[str, ...]
    published: datetime
    lang: Lang
    #: Set for a short "update" post on a story already posted in the channel.
    is_followup: bool = False
    #: Where that story's first post and thread are (a URL, or the platform's own
    #: reference); filled in by the sender once the first post has its message id.
    thread_link: str | None = None
    #: Who reported the story: ``5 outlets · ja 3 / en 2`` (``bot.brief.coverage``).
    coverage: str = ""
    #: ``(outlet, url)`` of the story's sources, for platforms that put a "read more" link
    #: per source on the post itself (Discord's V2 layout); empty in older outbox rows.
    links: tuple[tuple[str, str], ...] = ()
    #: Suggested next questions (buttons under the post), answered in its thread.
    follow_ups: tuple[FollowUp, ...] = ()
    kind: Literal["update"] = "update"


@dataclass(frozen=True)
class KnownValue:
    """One value of a headline fact, and the outlets whose newest report states it."""

    value: str
    outlets: tuple[str, ...]
    published: datetime


@dataclass(frozen=True)
class KnownFact:
    """A headline fact's current state; several values when outlets disagree (newest
    first, shown side by side)."""

    label: str
    values: tuple[KnownValue, ...]


@dataclass(frozen=True)
class KnownBlock:
    """"What we know": the current state of a story's headline facts, each with the
    reports that say it. Opens the story's thread and is edited when the story changes."""

    story_id: int
    facts: tuple[KnownFact, ...]
    #: The story revision it shows (the refresh edits a posted block when this is behind).
    revision: int
    as_of: datetime
    lang: Lang
    coverage: str = ""
    #: Set on an edited block, so the console can mark it.
    updated: bool = False
    kind: Literal["known"] = "known"


@dataclass(frozen=True)
class QAReply:
    question: str
    sentences: tuple[Sentence, ...]
    lang: Lang
    kind: Literal["qa"] = "qa"


@dataclass(frozen=True)
class SourceReply:
    cards: tuple[SourceCard, ...]
    lang: Lang
    kind: Literal["sources"] = "sources"


@dataclass(frozen=True)
class EarlierReply:
    entries: tuple[TimelineEntry, ...]
    lang: Lang
    kind: Literal["earlier"] = "earlier"


@dataclass(frozen=True)
class DigestPost:
    title: str
    headlines: tuple[str, ...]
    day: datetime
    lang: Lang
    kind: Literal["digest"] = "digest"


@dataclass(frozen=True)
class Notice:
    """A message from the bot itself (feed paused, permission missing, welcome)."""

    text: str
    kind: Literal["notice"] = "notice"


Part = (UpdatePost | KnownBlock | QAReply | SourceReply | EarlierReply | DigestPost | Notice
        | Reply | Answer)


@dataclass(frozen=True)
class Briefing:
    """Everything known about one story, ready to post as one message plus a thread."""

    story_id: int
    headline: str
    key_points: tuple[str, ...]
    qa: tuple[QA, ...]
    sources: tuple[SourceCard, ...]
    earlier: tuple[TimelineEntry, ...]
    outlets: tuple[str, ...]
    published: datetime
    lang: Lang
    coverage: str = ""
    #: "What we know", the thread's first reply (None: no headline fact to state).
    known: KnownBlock | None = None
    #: Suggested next questions, shown under the update post.
    follow_ups: tuple[FollowUp, ...] = ()
    kind: Literal["briefing"] = "briefing"

    def parts(self) -> list[Part]:
        """The post first, then "what we know", one thread reply per Q&A, the sources,
        and the timeline."""
        parts: list[Part] = [
            UpdatePost(self.story_id, self.headline, self.key_points, self.outlets,
                       self.published, self.lang, coverage=self.coverage,
                       links=source_links(self.sources),
                       follow_ups=self.follow_ups)
        ]
        if self.known is not None:
            parts.append(self.known)
        parts += [QAReply(qa.question, qa.sentences, self.lang) for qa in self.qa]
        if self.sources:
            parts.append(SourceReply(self.sources, self.lang))
        if self.earlier:
            parts.append(EarlierReply(self.earlier, self.lang))
        return parts


Result = Reply | Answer | Briefing

PART_ADAPTER: TypeAdapter[Part] = TypeAdapter(Part)


def source_links(cards: tuple[SourceCard, ...]) -> tuple[tuple[str, str], ...]:
    """``(outlet, url)`` per source card, in citation order."""
    return tuple((c.source, c.url) for c in cards)


def dump_part(part: Part) -> str:
    """Serialise a part for the outbox (rendered by the platform at send time)."""
    return PART_ADAPTER.dump_json(part).decode()


def load_part(raw: str) -> Part:
    return PART_ADAPTER.validate_json(raw)
