"""``help`` as text, from the registry, in the asker's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands import Registry, Text
from bot.model import Lang, Reply, Request, Result
from handlers.registry import default_registry

if TYPE_CHECKING:
    from bot.deps import Deps

INTRO = Text(
    "🕊 **ceasefire-bot** follows the Russia–Ukraine ceasefire talks in Japanese and "
    "English\nnews.",
    "🕊 **ceasefire-bot** は、ロシア・ウクライナ停戦協議の動きを日本語と英語の\n"
    "ニュースで追っています。")


def help_text(registry: Registry, lang: Lang) -> str:
    """One line per listed command: ``usage`` and what it does."""
    lines = [INTRO.get(lang)]
    for command in registry:
        what = (command.help or command.description).get(lang)
        lines.append(f"`{command.usage()}` {what}")
    return "\n".join(lines)


#: The help in each language, built once (the registry does not change while the bot runs).
HELP: dict[Lang, str] = {lang: help_text(default_registry(), lang) for lang in ("en", "ja")}
#: The English help (the console's and the README's reference).
HELP_EN = HELP["en"]


async def help_(req: Request, deps: Deps) -> Result:
    """What the bot can do, in the asker's language when the platform says it (a Discord
    locale), else English."""
    return Reply(HELP.get(req.lang or "en", HELP_EN))
