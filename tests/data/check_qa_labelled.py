#!/usr/bin/env python3
"""Check tests/data/qa_labelled.json against the bundled demo feeds.

A plain script (not a pytest test); it needs only feedparser:

    python tests/data/check_qa_labelled.py [--feeds DIR] [--qa FILE]

It checks the shape of every question, that every supporting guid exists in
the demo feeds, that every fact string occurs (NFKC + casefold) in the text of
at least one supporting entry, and the rules of each kind:

- unanswerable: no support, no facts;
- followup: context has previous_question or story_hint;
- newer_wins: the first supporting entry is the newest one, and older ones exist;
- cross_lang: every supporting entry is in the other language;
- time: with asked_at, every supporting entry was published by then;
- no question is supported by an intentionally off-topic entry.

Exit status 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path

import feedparser

HERE = Path(__file__).resolve().parent
DEFAULT_FEEDS = HERE.parent.parent / "bot" / "demo" / "feeds"
DEFAULT_QA = HERE / "qa_labelled.json"
FEED_FILES = ("kyokai-shimbun.rdf", "harbor-wire.xml", "nami-news.atom", "meridian-daily.atom")
KINDS = ("plain", "followup", "newer_wins", "unanswerable", "cross_lang", "time")
MINIMUM = {"followup": 6, "newer_wins": 4, "unanswerable": 6, "cross_lang": 6, "time": 6}
# entries that a topic filter must drop; no answer may rest on them
OFF_TOPIC = {
    "tag:demo.ceasefire-bot.example,2025:harbor-wire/0601-harbor-city-fc-contract",
    "tag:demo.ceasefire-bot.example,2025:nami-news/0720-namihama-heat",
}
KANA = re.compile(r"[\u3040-\u30ff]")


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def entry_text(e) -> str:
    body = " ".join(c.get("value", "") for c in e.get("content", [])) or e.get("summary", "")
    return re.sub(r"<[^>]+>", " ", e.get("title", "") + "\n" + body)


def load_entries(feeds: Path) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name in FEED_FILES:
        d = feedparser.parse(io.BytesIO((feeds / name).read_bytes()))
        if d.bozo:
            raise SystemExit(f"{name}: not well-formed: {d.get('bozo_exception')}")
        for e in d.entries:
            text = entry_text(e)
            t = e.get("published_parsed") or e.get("updated_parsed")
            out[e.id] = {
                "file": name,
                "title": e.get("title", ""),
                "text": norm(text),
                "lang": "ja" if KANA.search(text) else "en",
                "ts": datetime(*t[:6]).timestamp() if t else None,  # *_parsed are UTC
            }
    return out


def utc_ts(iso: str) -> float:
    dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError("asked_at needs a time zone")
    return dt.timestamp()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=Path, default=DEFAULT_FEEDS)
    ap.add_argument("--qa", type=Path, default=DEFAULT_QA)
    args = ap.parse_args()

    entries = load_entries(args.feeds)
    qs = json.loads(args.qa.read_text(encoding="utf-8"))
    errors: list[str] = []

    def err(q: dict, msg: str) -> None:
        errors.append(f"{q.get('id', '?')}: {msg}")

    if not isinstance(qs, list):
        raise SystemExit("top level must be a list")
    ids = Counter(q.get("id") for q in qs)
    for i, n in ids.items():
        if n > 1:
            errors.append(f"duplicate id {i}")

    facts_checked = 0
    for q in qs:
        keys = {"id", "lang", "question", "kind", "context", "support", "facts", "asked_at"}
        if set(q) != keys:
            err(q, f"keys {sorted(set(q) ^ keys)} missing or extra")
            continue
        if q["lang"] not in ("ja", "en"):
            err(q, f"bad lang {q['lang']!r}")
        if q["kind"] not in KINDS:
            err(q, f"bad kind {q['kind']!r}")
        if not isinstance(q["question"], str) or not q["question"].strip():
            err(q, "empty question")
        elif (q["lang"] == "ja") != bool(KANA.search(q["question"])):
            err(q, "question text does not look like its lang")
        ctx = q["context"]
        if ctx is not None:
            ok_ctx = isinstance(ctx, dict) and len(ctx) == 1 and (
                isinstance(ctx.get("previous_question"), str)
                or isinstance(ctx.get("story_hint"), str)
            )
            if not ok_ctx:
                err(q, f"bad context {ctx!r}")
            elif "story_hint" in ctx and ctx["story_hint"] not in entries:
                err(q, f"story_hint {ctx['story_hint']} not in the feeds")
        if q["kind"] == "followup" and ctx is None:
            err(q, "followup without context")
        if q["asked_at"] is not None:
            try:
                utc_ts(q["asked_at"])
            except ValueError as exc:
                err(q, f"bad asked_at: {exc}")

        sup, facts = q["support"], q["facts"]
        if not isinstance(sup, list) or not isinstance(facts, list):
            err(q, "support and facts must be lists")
            continue
        if q["kind"] == "unanswerable":
            if sup or facts:
                err(q, "unanswerable must have empty support and facts")
            continue
        if not sup or not facts:
            err(q, "answerable question needs support and facts")
        missing = [s for s in sup if s not in entries]
        for s in missing:
            err(q, f"support {s} not in the feeds")
        for s in sup:
            if s in OFF_TOPIC:
                err(q, f"support {s} is an off-topic entry")
        found = [entries[s] for s in sup if s in entries]
        for f in facts:
            facts_checked += 1
            if not any(norm(f) in e["text"] for e in found):
                err(q, f"fact {f!r} occurs in none of its supporting entries")

        if q["kind"] == "cross_lang":
            other = "en" if q["lang"] == "ja" else "ja"
            for s in sup:
                if s in entries and entries[s]["lang"] != other:
                    err(q, f"cross_lang support {s} is not in {other}")
        if q["kind"] == "newer_wins" and found and not missing:
            if len(found) < 2:
                err(q, "newer_wins needs the update and at least one older report")
            elif found[0]["ts"] <= max(e["ts"] for e in found[1:]):
                err(q, "newer_wins: the first supporting entry must be the newest")
        if q["kind"] == "time" and q["asked_at"] is not None:
            now = utc_ts(q["asked_at"])
            for s in sup:
                if s in entries and entries[s]["ts"] > now:
                    err(q, f"time: support {s} was published after asked_at")

    kinds = Counter(q.get("kind") for q in qs)
    langs = Counter(q.get("lang") for q in qs)
    print(f"feeds: {args.feeds}  entries: {len(entries)}")
    print(f"questions: {len(qs)}  by lang: {dict(langs)}")
    print("by kind:  " + ", ".join(f"{k}={kinds.get(k, 0)}" for k in KINDS))
    print(f"facts checked: {facts_checked}")
    if len(qs) < 48:
        errors.append(f"only {len(qs)} questions (need >= 48)")
    if min(langs.get("ja", 0), langs.get("en", 0)) < len(qs) * 0.4:
        errors.append(f"languages unbalanced: {dict(langs)}")
    for k, n in MINIMUM.items():
        if kinds.get(k, 0) < n:
            errors.append(f"only {kinds.get(k, 0)} {k} questions (need >= {n})")
    unsupported = set(entries) - OFF_TOPIC - {s for q in qs for s in q.get("support", [])}
    if unsupported:
        print(f"note: {len(unsupported)} on-topic entries support no question")
    for e in errors:
        print("ERROR", e)
    print("PASS" if not errors else f"FAIL ({len(errors)} errors)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
