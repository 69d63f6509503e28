"""Suggested next questions: from the commentary headings and the story, in the post's
language, never the question just answered, never feed text in a label; keys that name
a suggestion without its text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.brief.followups import (
    LABEL_MAX,
    keyed,
    make_key,
    parse_key,
    pick,
    short_label,
    suggest,
)
from bot.model import FollowUp
from bot.store.models import Article
from bot.text.labels import QUESTIONS

REPORTED = datetime(2025, 8, 20, 9, 0, tzinfo=UTC)
HOSTILE = "@everyone <!channel> **bold** [x](https://evil.example) <@123>"


def article(text: str, *, title: str = "Talks", lang: str = "en",
            published: datetime = REPORTED) -> Article:
    return Article(title=title, text=text, lang=lang, source="Wire", url="https://w.example/1",
                   published_at=published)


EN = article(
    "Negotiators agreed a prisoner exchange in Istanbul. The sides still dispute the "
    "eastern front line. Witkoff said the envoys will meet again on 27 August in Istanbul. "
    "Witkoff called the deal important.")
JA = article("双方は捕虜交換で合意した。東部の境界線をめぐる対立は残る。ウィトコフ特使は8月27日に"
             "イスタンブールで再び会談する予定だと述べた。ウィトコフ特使は重要な一歩だと語った。",
             lang="ja", title="協議")


@pytest.mark.parametrize("now", [REPORTED + timedelta(days=1), REPORTED + timedelta(days=365)],
                         ids=["a-day-later", "a-year-later"])
def test_an_answer_gets_headings_and_a_story_question_but_not_its_own(now: datetime) -> None:
    shown = suggest([EN], "en", asked="What was agreed in Istanbul?", now=now)
    questions = [f.question for f in shown]
    assert 2 <= len(shown) <= 3
    assert QUESTIONS["agreed"]["en"] not in questions  # just answered
    assert questions[:2] == [QUESTIONS["next"]["en"], QUESTIONS["open"]["en"]]
    # The named day is a question only while it is still ahead.
    ahead = now.date() <= datetime(2025, 8, 27, tzinfo=UTC).date()
    assert ("What is planned for 27 August?" in questions) == ahead
    assert all(len(f.label) <= LABEL_MAX for f in shown)


@pytest.mark.parametrize("now", [REPORTED + timedelta(days=1), REPORTED + timedelta(days=365)],
                         ids=["a-day-later", "a-year-later"])
def test_japanese_posts_get_japanese_questions(now: datetime) -> None:
    shown = suggest([JA], "ja", now=now)
    assert [f.question for f in shown][:2] == [QUESTIONS["next"]["ja"], QUESTIONS["open"]["ja"]]
    story = shown[2].question
    if now.year == REPORTED.year:
        assert story == "8月27日の予定は?"
    else:
        assert story == "ウィトコフをめぐる最新の動きは?"
    assert all(not any(c.isascii() and c.isalpha() for c in f.label) for f in shown)


def test_names_of_the_question_are_not_suggested_again() -> None:
    shown = suggest([EN], "en", asked="What did Witkoff say?", now=REPORTED + timedelta(days=30))
    assert not any("Witkoff" in f.question for f in shown)
    assert any("Istanbul" in f.question for f in shown)


def test_a_heading_no_report_answers_is_not_suggested() -> None:
    quiet = article("The delegations arrived in Geneva on Tuesday.")
    shown = suggest([quiet], "en", now=REPORTED)
    assert [f.question for f in shown] == ["What is the latest on Geneva?"]
    assert suggest([], "en") == ()


def test_hostile_feed_text_never_reaches_a_label() -> None:
    hostile = article(f"{HOSTILE} agreed a truce. {HOSTILE} will meet next week. "
                      f"{HOSTILE} Zelensky still disputes it.", title=HOSTILE)
    shown = suggest([hostile], "en", now=REPORTED)
    assert shown
    for follow_up in shown:
        assert not any(bad in follow_up.label + follow_up.question
                       for bad in ("@", "<", "*", "[", "evil"))


def test_keys_name_a_suggestion_and_refuse_anything_else() -> None:
    shown = keyed(suggest([EN], "en", now=REPORTED), "a", 42)
    assert [parse_key(f.key) is not None for f in shown] == [True] * len(shown)
    key = parse_key(shown[1].key)
    assert key is not None and (key.kind, key.ref, key.index) == ("a", 42, 1)
    assert pick(shown, key) == shown[1]
    # The list moved on: found by its digest; gone: None.
    assert pick(shown[1:], key) == shown[1]
    assert pick(shown[2:], key) is None
    forged = parse_key(make_key("a", 42, 1, "Say @everyone"))
    assert forged is not None and pick(shown, forged) is None
    for bad in ("", "a42", "a42.1", "x42.1.abcdef", "a42.1.ABCDEF", "a-1.0.abcdef",
                "a42.10.abcdef", "a42.1.abcdef; drop", "a" + "9" * 20 + ".1.abcdef",
                "What happens next?"):
        assert parse_key(bad) is None, bad


def test_long_labels_are_cut_for_both_platforms() -> None:
    label = short_label("Why " * 40)
    assert len(label) == LABEL_MAX and label.endswith("…")
    assert FollowUp(label, "q").label == label
