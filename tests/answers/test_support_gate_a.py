"""Which check of the answerability gate refuses, and what each check lets through (issue 18:
survivors of the gate's first part, `counted_figure` … `_asked_kind`).

Each case is a small synthetic report and a question; the assertions are what a user sees:
refused or answered, from which reports in which order, and the name of the check that
refused (the "No source found" reply's `refusal`).
"""

from __future__ import annotations

from bot.answer.engine import Concept, Engine
from bot.answer.index import DocMeta
from bot.answer.support import (
    counted_across,
    counted_figure,
    event_names,
    known_form,
    support,
)
from bot.answer.when import Window
from bot.store.models import Article


def indexed(shared_engine: Engine, *texts: str) -> Engine:
    """An engine whose index holds ``texts`` as reports (what df and known words come from)."""
    engine = Engine(analyzer=shared_engine.analyzer, glossary=shared_engine.glossary)
    add(engine, *texts)
    return engine


def add(engine: Engine, *texts: str) -> None:
    start = engine.index.n_docs + 1
    engine.index.add([(DocMeta(n, 0.0, n, "en" if t.isascii() else "ja"),
                       engine.text_tokens(t)) for n, t in enumerate(texts, start)])


def en(text: str, title: str = "Talks") -> Article:
    return Article(title=title, text=text, lang="en")


def ja(text: str, title: str = "協議") -> Article:
    return Article(title=title, text=text, lang="ja")


def asked(engine: Engine, question: str) -> list[Concept]:
    return engine.concepts_for(question, Window())


#: Filler reports: the names below are then in few reports (they pick out an event).
FILLER = tuple(f"Delegations met again, round {n}." for n in range(6))


# Which check refuses.

def test_a_report_that_never_names_the_event_is_refused_by_the_event_check(
        shared_engine: Engine) -> None:
    jeddah = en("Envoys met in Jeddah on Tuesday.")
    riyadh = en("Envoys met in Riyadh on Tuesday.")
    engine = indexed(shared_engine, jeddah.text, riyadh.text, *FILLER)
    question = "Who met in Jeddah?"
    assert support(question, asked(engine, question), [riyadh], engine) == ([], "event-names")
    assert support(question, asked(engine, question), [riyadh, jeddah], engine) == (
        [jeddah], "")


def test_a_name_in_the_headline_alone_is_named_by_the_report(shared_engine: Engine) -> None:
    """The headline is read with the news: the name at its end, or a sentence's first
    word, counts like any other."""
    headline = en("Nothing was agreed.", title="Envoys meet in Jeddah")
    opening = en("Jeddah hosted envoys. Nothing was agreed.")
    engine = indexed(shared_engine, "Envoys met in Jeddah.", *FILLER)
    question = "Who met in Jeddah?"
    concepts = asked(engine, question)
    assert support(question, concepts, [headline], engine) == ([headline], "")
    assert support(question, concepts, [opening], engine) == ([opening], "")


def test_a_speaker_who_only_is_spoken_to_is_refused_as_silent(shared_engine: Engine) -> None:
    told = en("Trump told Zelensky in Jeddah that talks would go on.")
    said = en("Zelensky said in Jeddah that talks would go on.")
    elsewhere = en("Zelensky said in Riyadh that talks would go on.")
    engine = indexed(shared_engine, told.text, said.text, elsewhere.text, *FILLER)
    question = "What did Zelensky say in Jeddah?"
    concepts = asked(engine, question)
    assert support(question, concepts, [told], engine) == ([], "speaker-silent")
    # Not one report of the event: the event check refuses, not the speaker's.
    assert support(question, concepts, [elsewhere], engine) == ([], "event-names")
    # The report where the speaker speaks leads; the others of the event stay after it.
    assert support(question, concepts, [told, said], engine) == ([said, told], "")


def test_a_speaker_no_report_mentions_is_refused_as_unknown(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "Zelensky said in Jeddah that talks would go on.", *FILLER)
    question = "What did Obama say in Jeddah?"
    report = en("Zelensky said in Jeddah that talks would go on.")
    assert support(question, asked(engine, question), [report], engine) == (
        [], "unknown-speaker")


def test_a_count_of_something_no_report_mentions_is_refused_as_unknown(
        shared_engine: Engine) -> None:
    report = en("Some 12 delegates attended the Riyadh talks.")
    engine = indexed(shared_engine, report.text, *FILLER)
    question = "How many journalists attended the Riyadh talks?"
    assert support(question, asked(engine, question), [report], engine) == (
        [], "figure-unknown-noun")
    known = "How many delegates attended the Riyadh talks?"
    assert support(known, asked(engine, known), [report], engine) == ([report], "")
    dated = en("The delegates attended the Riyadh talks on 3 May.")
    assert support(known, asked(engine, known), [dated], engine) == ([], "figure-not-given")


def test_a_plan_question_needs_a_plan_and_who_or_where_it_asks(shared_engine: Engine) -> None:
    past = en("The delegations met in Istanbul.")
    plan = en("The delegations will meet again in Istanbul.")
    led = en("Vladimir Medinsky will lead the delegation to Istanbul.")
    venue = en("The delegations will meet again in Istanbul at Dolmabahce Palace.")
    engine = indexed(shared_engine, past.text, plan.text, led.text, venue.text, *FILLER)
    when = "Will the delegations meet again in Istanbul?"
    assert support(when, asked(engine, when), [past], engine) == ([], "plan-not-given")
    assert support(when, asked(engine, when), [plan], engine) == ([plan], "")
    who = "Who will lead the delegation to Istanbul?"
    assert support(who, asked(engine, who), [plan], engine) == ([], "plan-not-given")
    assert support(who, asked(engine, who), [led], engine) == ([led], "")
    where = "Where in Istanbul will the delegations meet again?"
    assert support(where, asked(engine, where), [plan], engine) == ([], "plan-not-given")
    assert support(where, asked(engine, where), [venue], engine) == ([venue], "")


# A report in the other language gives the count its own way.

def test_a_japanese_report_must_count_the_english_thing_asked(shared_engine: Engine) -> None:
    soldiers = ja("兵士の遺体が返還された。協議は3時間続いた。")
    counted = ja("兵士の遺体が返還された。兵士120人が帰還した。")
    engine = indexed(shared_engine, soldiers.text, counted.text, "Soldiers returned home.",
                     *FILLER)
    question = "How many soldiers returned?"
    concepts = asked(engine, question)
    assert support(question, concepts, [soldiers], engine) == ([], "figure-not-given")
    assert support(question, concepts, [counted], engine) == ([counted], "")


def test_the_counted_noun_is_the_last_word_before_the_verb_and_before_of(
        shared_engine: Engine) -> None:
    """"How many Ukrainian soldiers": soldiers (兵士), not Ukrainian; "how many bodies of
    soldiers": bodies (遺体), not soldiers."""
    soldiers = "How many Ukrainian soldiers were returned?"
    across = counted_across(soldiers, shared_engine.concepts(soldiers), to_ja=True)
    assert across.search("兵士120人が帰還した")
    assert not across.search("ウクライナ120人")
    bodies = "How many bodies of soldiers were returned?"
    across = counted_across(bodies, shared_engine.concepts(bodies), to_ja=True)
    assert across.search("遺体6000体が返還された")
    assert not across.search("兵士120人が帰還した")


# What counts as the thing counted in an English question.

def test_every_long_word_of_the_counted_phrase_may_be_counted() -> None:
    remains = counted_figure("How many soldiers' remains were returned?")
    assert remains is not None
    assert remains.search("Russia returned 6,000 remains.")
    assert remains.search("Russia returned 6,000 soldiers.")
    aides = counted_figure("How many aides' phones were tapped?")
    assert aides is not None and aides.search("Officials said 12 aides were affected.")
    # Short words and words such as "other" are not what is counted.
    other = counted_figure("How many other men were freed?")
    assert other is None


def test_a_four_letter_counted_word_counts_and_a_short_one_does_not() -> None:
    jets = counted_figure("How many jets flew over Kyiv?")
    assert jets is not None
    assert jets.search("Three jets flew over Kyiv.")
    assert not jets.search("Three drones flew over Kyiv.")
    shot = counted_figure("How many jets were shot down?")
    assert shot is not None and not shot.search("Three drones were shot down.")
    # "new" is too short to be the thing counted; the plural after it is (branch figgate).
    recruits = counted_figure("How many new recruits joined?")
    assert recruits is not None and recruits.search("200 recruits joined")
    assert not recruits.search("200 new tanks joined")
    assert counted_figure("How many new joined?") is None
    assert counted_figure("How many more joined?") is None


# What counts as the thing counted in a Japanese question.

def test_a_japanese_count_without_a_topic_counts_the_noun_after_it() -> None:
    freed = counted_figure("何人の捕虜が解放されたか")
    assert freed is not None
    assert freed.search("捕虜12人が解放された")
    assert not freed.search("市民12人が解放された")
    bare = counted_figure("何人が解放されたか")
    assert bare is not None and bare.search("12人が解放された")


def test_a_japanese_count_names_neither_a_country_nor_a_one_character_word() -> None:
    delegation = counted_figure("ロシア代表団は全部で何人だった?")
    assert delegation is not None
    assert delegation.search("代表団は12人で構成された。")
    assert not delegation.search("ロシアは捕虜12人を解放した。")
    town = counted_figure("町には何人が残っている?")
    assert town is not None and town.search("住民12人が残っている")
    swap = counted_figure("何人ずつの捕虜交換が行われた?")
    assert swap is not None and swap.search("双方が捕虜157人ずつを解放した")
    soldiers = counted_figure("兵は何人死亡した?")
    assert soldiers is not None
    assert soldiers.search("兵12人が死亡した")
    assert not soldiers.search("市民12人が死亡した")


# Words the reports use in another form.

def test_a_word_the_reports_use_is_known_whatever_its_length(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "The truce held after the occupation ended.", "停戦が続いた。")
    for token in engine.text_tokens("truce 停戦"):
        assert known_form(token, engine), token
    # "occupy" (six letters as the analyser writes it) through "occupation".
    assert known_form(engine.analyzer.tokens("occupy")[0], engine)
    # A word sorted after every stored one is unknown (not an error).
    assert not known_form("zugzwang", engine)


def test_a_long_word_is_not_a_form_of_one_sharing_only_its_first_letters(
        shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "Kyiv reconsidered the offer.")
    assert not known_form(engine.analyzer.tokens("reconstruction")[0], engine)


def test_a_word_added_to_the_reports_later_becomes_known(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "The talks were postponed.")
    assert not known_form("reactions", engine)
    add(engine, "Kyiv reacted coolly.")
    assert known_form("reactions", engine)


# Which names pick out an event.

def test_a_loanword_picks_out_a_follow_up_event_only_when_asked(shared_engine: Engine) -> None:
    engine = indexed(shared_engine, "アブダビでウクライナ代表団のトップが協議に臨んだ。",
                     *(f"ロシアとウクライナが協議した。第{n}報。" for n in range(8)))
    concepts = engine.concepts("アブダビでウクライナ代表団のトップは誰だった?")
    names = [c.tokens[0] for c in event_names(concepts, engine, loanwords=True)]
    assert "トップ" in names and "アブダビ" in names


def test_the_figure_shown_takes_the_longest_noun_counted() -> None:
    """With "兵" and "兵士" both asked, the figure shown beside an answer reads "12人の兵士",
    not "12人の兵"."""
    both = counted_figure("兵と兵士は合わせて何人死亡した?")
    assert both is not None
    found = both.search("12人の兵士が死亡した")
    assert found is not None and found[0] == "12人の兵士"
