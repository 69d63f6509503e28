"""The agent DM (the app's Messages tab in Slack's agent view): suggested prompts when the
tab opens or the user's view changes, a status while the bot searches, a title per
conversation, and which channel the user is looking at (its subscription is the answer's
context).

Every call here is a courtesy: a refusal (an older workspace without the agent view, a
missing ``assistant:write``) is logged and the answer still goes out.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.spec import Text
from bot.errors import PlatformError
from bot.model import Lang
from bot.platforms.slack.errors import call_api
from bot.platforms.slack.render import escape, truncate
from bot.text.inert import strip_controls

log = logging.getLogger(__name__)

#: (title, message) pairs, each in the user's language.
PROMPTS: dict[Lang, tuple[tuple[str, str], ...]] = {
    "en": (("What changed since yesterday?", "What changed in the ceasefire talks since "
            "yesterday?"),
           ("Today's talks", "What happened in the ceasefire talks today?"),
           ("Still unresolved", "What is still unresolved in the ceasefire talks?")),
    "ja": (("昨日から何が変わった?", "停戦協議で昨日から何が変わりましたか?"),
           ("今日の停戦協議は?", "今日の停戦協議はどうなりましたか?"),
           ("残る課題は?", "停戦協議で未解決の課題は何ですか?")),
}
PROMPTS_TITLE = Text("Ask about the ceasefire talks", "停戦協議について質問する")
SEARCHING = Text("Searching the reports…", "記事を検索しています…")
TITLE_MAX = 80
#: How many users' current views are remembered (the newest win).
VIEWS_KEPT = 4096
CHANNEL_ENTITY = "slack#/types/channel_id"


def lang_of_locale(locale: str | None, default: Lang) -> Lang:
    """``ja-JP`` -> ja, ``en-US`` -> en; unknown or none: the workspace's language."""
    if not locale:
        return default
    return "ja" if locale.lower().startswith("ja") else "en"


def viewed_channel(event: Mapping[str, Any]) -> str | None:
    """The channel an ``app_context_changed`` (or agent ``app_home_opened``) event says the
    user is looking at: its most relevant channel entity, if any."""
    for entity in (event.get("context") or {}).get("entities") or []:
        if isinstance(entity, Mapping) and entity.get("type") == CHANNEL_ENTITY:
            value = str(entity.get("value") or "")
            if value[:1] in ("C", "G"):
                return value
    return None


def title_of(question: str) -> str:
    """A conversation title from its first question: one line, short, escaped like every
    text the bot shows (so a pasted ``<!channel>`` stays text)."""
    line = " ".join(strip_controls(question).split())
    return escape(truncate(line, TITLE_MAX))


class AgentView:
    """What the adapter does for the agent DM, through ``client``."""

    def __init__(self, client: AsyncWebClient, *, lang: Lang) -> None:
        self.client = client
        self.lang = lang
        self._views: OrderedDict[str, str | None] = OrderedDict()

    def viewing(self, user_id: str) -> str | None:
        """The channel ``user_id`` was last seen looking at (None: none we know)."""
        return self._views.get(user_id)

    def saw(self, user_id: str, channel: str | None) -> None:
        self._views[user_id] = channel
        self._views.move_to_end(user_id)
        while len(self._views) > VIEWS_KEPT:
            self._views.popitem(last=False)

    async def user_lang(self, user_id: str) -> Lang:
        try:
            info = await call_api("users.info", self.client.users_info(
                user=user_id, include_locale=True))
        except PlatformError as exc:
            log.info("slack: no locale for %s (%s)", user_id, exc)
            return self.lang
        return lang_of_locale((info.get("user") or {}).get("locale"), self.lang)

    async def suggest(self, channel: str, user_id: str) -> None:
        """Suggested prompts at the top of the user's agent DM, in their language."""
        lang = await self.user_lang(user_id)
        prompts = [{"title": t, "message": m} for t, m in PROMPTS[lang]]
        await self._courtesy("assistant.threads.setSuggestedPrompts",
                             self.client.assistant_threads_setSuggestedPrompts(
                                 channel_id=channel, prompts=prompts,
                                 title=PROMPTS_TITLE.get(lang)))

    async def status(self, channel: str, thread_ts: str, lang: Lang | None) -> None:
        await self._courtesy("assistant.threads.setStatus",
                             self.client.assistant_threads_setStatus(
                                 channel_id=channel, thread_ts=thread_ts,
                                 status=SEARCHING.get(lang or self.lang)))

    async def clear_status(self, channel: str, thread_ts: str) -> None:
        await self._courtesy("assistant.threads.setStatus",
                             self.client.assistant_threads_setStatus(
                                 channel_id=channel, thread_ts=thread_ts, status=""))

    async def title(self, channel: str, thread_ts: str, question: str) -> None:
        title = title_of(question)
        if title:
            await self._courtesy("assistant.threads.setTitle",
                                 self.client.assistant_threads_setTitle(
                                     channel_id=channel, thread_ts=thread_ts, title=title))

    async def _courtesy(self, method: str, call: Any) -> None:
        try:
            await call_api(method, call)
        except PlatformError as exc:
            log.info("slack: %s refused (%s); answering without it", method, exc)
