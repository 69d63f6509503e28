"""The slash commands, with en + ja descriptions and option hints (command localisations).

Every command callback does the same thing: hand the interaction to ``on_command``, which
translates its raw data (see ``translate.interaction_request``). The signatures only declare
the options Discord shows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str

OnCommand = Callable[[discord.Interaction], Awaitable[None]]


def _t(en: str, ja: str) -> locale_str:
    return locale_str(en, ja=ja)


DESCRIPTIONS: dict[str, locale_str] = {
    "ask": _t("Answer a question with a cited summary", "出典付きの要約で質問に答えます"),
    "latest": _t("The newest briefing", "最新のまとめ"),
    "since": _t("What changed since a time (yesterday, Monday, my last visit)",
                "指定した時以降の変化 (昨日、月曜日、前回など)"),
    "timeline": _t("The talks so far, one line per development", "これまでの経緯"),
    "sources": _t("Feeds followed and their health", "フィードと稼働状況"),
    "subscribe": _t("Post updates in this channel (channel managers)",
                    "このチャンネルに更新を投稿 (チャンネル管理者)"),
    "unsubscribe": _t("Stop posting updates here (channel managers)",
                      "更新の投稿を停止 (チャンネル管理者)"),
    "help": _t("What the bot can do", "使い方"),
}


class Localiser(app_commands.Translator):
    """Japanese from the ``ja`` extra of each ``locale_str``; other locales use English."""

    async def translate(self, string: locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        if locale is discord.Locale.japanese:
            return string.extras.get("ja")
        return None


MODES = [Choice(name=_t("each new development", "新しい展開ごと"), value="realtime"),
         Choice(name=_t("a daily digest", "毎日のまとめ"), value="daily"),
         Choice(name=_t("both", "両方"), value="both")]
LANGS = [Choice(name=_t("Japanese", "日本語"), value="ja"),
         Choice(name=_t("English", "英語"), value="en")]


def build_commands(on_command: OnCommand) -> list[app_commands.Command[Any, ..., None]]:
    """The slash commands, each calling ``on_command``."""

    @app_commands.describe(question=_t("What you want to know, e.g. What was agreed?",
                                       "知りたいこと (例: 何が合意された?)"))
    async def ask(interaction: discord.Interaction, question: str) -> None:
        await on_command(interaction)

    @app_commands.describe(
        mode=_t("When to post (default: each new development)", "投稿のタイミング"),
        time=_t("Digest time HH:MM, e.g. 08:00", "まとめの時刻 HH:MM (例 08:00)"),
        lang=_t("Language of the posts", "投稿の言語"),
        timezone=_t("Time zone, e.g. Asia/Tokyo", "タイムゾーン (例 Asia/Tokyo)"),
        keywords=_t("Only stories matching these keywords", "このキーワードに合う記事のみ"))
    @app_commands.choices(mode=MODES, lang=LANGS)
    async def subscribe(interaction: discord.Interaction, mode: str | None = None,
                        time: str | None = None, lang: str | None = None,
                        timezone: str | None = None, keywords: str | None = None) -> None:
        await on_command(interaction)

    @app_commands.describe(when=_t("Since when, e.g. yesterday, Monday, my last visit",
                                   "いつから (例: 昨日、月曜日、前回)"))
    async def since(interaction: discord.Interaction, when: str) -> None:
        await on_command(interaction)

    async def plain(interaction: discord.Interaction) -> None:
        await on_command(interaction)

    callbacks: dict[str, Any] = {"ask": ask, "subscribe": subscribe, "since": since}
    return [app_commands.Command(name=name, description=DESCRIPTIONS[name],
                                 callback=callbacks.get(name, plain))
            for name in DESCRIPTIONS]


async def build_tree(client: discord.Client, on_command: OnCommand) -> app_commands.CommandTree:
    tree: app_commands.CommandTree = app_commands.CommandTree(client)
    for command in build_commands(on_command):
        tree.add_command(command)
    await tree.set_translator(Localiser())
    return tree


async def sync_tree(tree: app_commands.CommandTree, guild_ids: tuple[int, ...]) -> None:
    """Sync to the configured guilds (globals copied there: instant) or globally."""
    if not guild_ids:
        await tree.sync()
        return
    for guild_id in guild_ids:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        await tree.sync(guild=guild)
