"""``help`` as text, from the registry, in the asker's language."""

from __future__ import annotations

from bot.commands import Registry, Text
from bot.model import Lang

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
