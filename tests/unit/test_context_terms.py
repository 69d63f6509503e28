"""Issue 16: a question asked while looking at a subscribed channel is searched with that
subscription's keywords (those it asks for, not those it excludes)."""

from __future__ import annotations

from bot.text.topic import expression_terms
from handlers.context import with_context_terms


def test_expression_terms_are_the_wanted_words_and_phrases() -> None:
    assert expression_terms('(停戦 OR ceasefire) AND NOT Gaza "prisoner exchange"') == [
        "停戦", "ceasefire", "prisoner exchange"]
    assert expression_terms("") == [] and expression_terms('"unbalanced') == []


def test_context_terms_are_added_once_and_only_when_missing() -> None:
    assert with_context_terms("What was agreed?", "prisoners OR 捕虜") == (
        "What was agreed? prisoners 捕虜")
    assert with_context_terms("Any news on prisoners?", "Prisoners") == (
        "Any news on prisoners?")
    assert with_context_terms("What was agreed?", None) == "What was agreed?"
