"""Optional LLM backend: any OpenAI-compatible chat endpoint writes the answer (or a Q&A
commentary answer) in the channel's language from the numbered sources it is given.

Its output is checked before use and rejected (the extractive text is kept) when it cites
nothing, leaves a sentence uncited, cites a number it was not given, contains a number or
date that is not in its sources, or the endpoint fails or times out.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from bot.model import QA, Answer, Briefing, Lang, Sentence
from bot.text.sentences import normalise, split_sentences
from config.settings import LLMSettings

if TYPE_CHECKING:
    import aiohttp

log = logging.getLogger(__name__)

_MARKER = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[,.]\d+)*")
_EN_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december")
LANG_NAME = {"ja": "Japanese", "en": "English"}
SYSTEM = (
    "You answer questions about news using ONLY the numbered sources given. Write in {lang}. "
    "End every sentence with the number of its source in square brackets, like [1]. Do not "
    "use any fact, number or date that is not in the sources. If the sources do not answer "
    "the question, reply with exactly: NO ANSWER")


@dataclass(frozen=True)
class Source:
    n: int
    title: str
    text: str


class Rejected(Exception):
    """The model's output broke a rule; ``reason`` says which (for the log)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_output(text: str, sources: Mapping[int, Source]) -> list[Sentence]:
    """The output as cited sentences, or :class:`Rejected` when it breaks a rule."""
    text = text.strip()
    if not text or text.upper().startswith("NO ANSWER"):
        raise Rejected("no answer")
    cited = {int(n) for n in _MARKER.findall(text)}
    if not cited:
        raise Rejected("cites nothing")
    unknown = cited - set(sources)
    if unknown:
        raise Rejected(f"cites sources it was not given: {sorted(unknown)}")
    source_text = normalise(" ".join(f"{s.title} {s.text}" for s in sources.values()))
    known_numbers = {n.replace(",", "") for n in _NUMBER.findall(source_text)}
    body = normalise(_MARKER.sub(" ", text))
    for number in _NUMBER.findall(body):
        if number.replace(",", "") not in known_numbers:
            raise Rejected(f"number not in the sources: {number}")
    for i, month in enumerate(_EN_MONTHS, start=1):
        if re.search(rf"\b{month}\b", body) and month not in source_text \
                and f"{i}月" not in source_text:
            raise Rejected(f"date not in the sources: {month}")
    sentences: list[Sentence] = []
    for piece in split_sentences(text):
        refs = tuple(dict.fromkeys(int(n) for n in _MARKER.findall(piece)))
        plain = _MARKER.sub("", piece).strip()
        if not plain:
            continue
        if not refs:
            raise Rejected("a sentence cites no source")
        sentences.append(Sentence(plain, refs))
    return sentences


async def fetch_completion(http: aiohttp.ClientSession, settings: LLMSettings, *,
                           system: str, user: str) -> str:
    """One chat completion; raises on HTTP errors, bad JSON and the configured timeout."""
    headers = {"Content-Type": "application/json"}
    if settings.api_key is not None:
        headers["Authorization"] = f"Bearer {settings.api_key.get_secret_value()}"
    body = {"model": settings.model, "temperature": 0,
            "messages": [{"role": "system", "content": system},
                         {"role": "user", "content": user}]}
    url = settings.base_url.rstrip("/") + "/chat/completions"
    async with asyncio.timeout(settings.timeout_seconds):
        async with http.post(url, json=body, headers=headers) as resp:
            resp.raise_for_status()
            data = await resp.json()
    return str(data["choices"][0]["message"]["content"])


def prompt(question: str, sources: Sequence[Source]) -> str:
    numbered = "\n\n".join(f"[{s.n}] {s.title}\n{s.text}" for s in sources)
    return f"Sources:\n{numbered}\n\nQuestion: {question}"


async def fetch_checked(http: aiohttp.ClientSession, settings: LLMSettings, *,
                        question: str, lang: Lang,
                        sources: Sequence[Source]) -> list[Sentence] | None:
    """The model's cited sentences, or None when it failed or broke a rule."""
    import aiohttp  # here: a bot without an LLM backend never needs it (stop 42)

    try:
        text = await fetch_completion(http, settings,
                                      system=SYSTEM.format(lang=LANG_NAME[lang]),
                                      user=prompt(question, sources))
        return check_output(text, {s.n: s for s in sources})
    except Rejected as exc:
        log.info("LLM output rejected (%s); keeping the extractive text", exc.reason)
    except (TimeoutError, aiohttp.ClientError, KeyError, IndexError, TypeError,
            ValueError) as exc:
        log.warning("LLM backend failed (%s); keeping the extractive text",
                    type(exc).__name__)
    return None


async def rewrite_answer(http: aiohttp.ClientSession, settings: LLMSettings, answer: Answer,
                         sources: Sequence[Source]) -> Answer:
    """The answer written by the model when its output passes every check, else ``answer``."""
    if not settings.enabled or not answer.answerable or not sources:
        return answer
    sentences = await fetch_checked(http, settings, question=answer.question,
                                    lang=answer.lang, sources=sources)
    if not sentences:
        return answer
    published = {c.n: c.published for c in answer.citations}
    dated = tuple(replace(s, published=published.get(s.refs[0])) for s in sentences)
    return replace(answer, sentences=dated, note="llm")


async def rewrite_commentary(http: aiohttp.ClientSession, settings: LLMSettings,
                             briefing: Briefing, sources: Sequence[Source]) -> Briefing:
    """The Q&A commentary written by the model in the channel's language, question by
    question; a question whose output fails a check keeps its extractive answer."""
    if not settings.enabled or not sources or not briefing.qa:
        return briefing
    rewritten: list[QA] = []
    for qa in briefing.qa:
        sentences = await fetch_checked(http, settings, question=qa.question,
                                        lang=briefing.lang, sources=sources)
        rewritten.append(QA(qa.question, tuple(sentences)) if sentences else qa)
    return replace(briefing, qa=tuple(rewritten))
