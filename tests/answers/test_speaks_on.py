""""What did X say": a report names X once, then quotes X through "he" or a dropped
subject; that sentence counts as X speaking (``speaks_on``) so the quote is chosen."""

from __future__ import annotations

from bot.answer.engine import Concept, Engine
from bot.answer.support import speaks, speaks_on
from bot.store.models import Article


def name(engine: Engine, word: str) -> Concept:
    tokens = [t for t in engine.text_tokens(f"Ask {word}") if t != "ask"]
    return Concept(tuple(tokens), (None,), 1.0, name=True, df=1)


def test_he_goes_on_with_the_speaker_named_before(shared_engine: Engine) -> None:
    envoy = [name(shared_engine, "Dmitriev")]
    before = "Dmitriev arrived in Washington as new levies on oil exporters were unveiled."
    said = "On a radio show he said the levies would only push up fuel prices for drivers."
    assert speaks_on(said, before, envoy, shared_engine)
    # Not without a verb of saying, nor when the sentence before names someone else.
    assert not speaks_on("Later he flew home.", before, envoy, shared_engine)
    assert not speaks_on(said, "Rubio arrived in Washington.", envoy, shared_engine)


def test_a_japanese_quote_going_on_with_the_speaker(shared_engine: Engine) -> None:
    rubio = [name(shared_engine, "ルビオ")]
    before = "ルビオ氏は記者団に対し、協議は有益だったと語った。"
    assert speaks_on("「これはまだ動いている文書だ」と述べた。", before, rubio, shared_engine)
    assert not speaks_on("「これはまだ動いている文書だ」と述べた。", "協議は終わった。", rubio,
                         shared_engine)


def test_no_speaker_or_one_named_here_does_not_go_on(shared_engine: Engine) -> None:
    before = "Dmitriev arrived in Washington as new levies on oil exporters were unveiled."
    said = "On a radio show he said the levies would only push up fuel prices for drivers."
    assert not speaks_on(said, before, [], shared_engine)
    # Named in the sentence itself, it is ``speaks_in``'s to read, not a going on.
    named = "Dmitriev said he would fly home on Friday."
    assert not speaks_on(named, before, [name(shared_engine, "Dmitriev")], shared_engine)


def test_speaks_goes_on_only_when_asked_and_from_the_sentence_before(
        shared_engine: Engine) -> None:
    envoy = [name(shared_engine, "Dmitriev")]
    said = "On a radio show he said the levies would only push up fuel prices for drivers."
    named = "Dmitriev arrived in Washington as new levies were unveiled."
    # The title is the first sentence: "he said" in the second goes on from it.
    second = Article(title=named, text=said, lang="en")
    assert speaks(second, envoy, shared_engine, on=True)
    assert not speaks(second, envoy, shared_engine)
    # The first sentence has none before it (not the last one, read from the end).
    first = Article(title=said, text=named, lang="en")
    assert not speaks(first, envoy, shared_engine, on=True)
