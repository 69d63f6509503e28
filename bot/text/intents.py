"""The four commentary questions, as cue words that make a sentence answer them.

Shared by briefings (Q&A commentary) and answers (a reader asking "what happens next?").
"""

from __future__ import annotations

from bot.text.sentences import normalise

CUES: dict[str, tuple[str, ...]] = {
    "why": ("first", "matter", "because", "signal", "significan", "important", "since 2022",
            "breakthrough", "key ", "初めて", "重要", "意味", "注目", "背景", "ぶり", "以来"),
    "agreed": ("agreed", "agreement", "accepted", "deal", "signed", "to exchange", "ratif",
               "合意", "受け入れ", "署名", "一致", "批准", "同意"),
    "open": ("reject", "refus", "unresolved", "remain", "still", "dispute", "condition",
             "not yet", "no ceasefire", "without", "did not", "declined", "disagree",
             "拒否", "課題", "残", "条件", "対立", "至らず", "至らなかった", "見通せ", "応じ",
             "溝", "隔たり", "懸念", "no deal", "no agreement", "deadlock", "impasse",
             "相違", "食い違", "まとまらな"),
    "next": ("next", "will ", "expected", "plan", "to meet", "further", "following",
             "scheduled", "今後", "予定", "見通し", "次回", "方針", "続け", "検討", "目指"),
}

#: How a reader asks each of them.
ASKED: dict[str, tuple[str, ...]] = {
    "why": ("why does it matter", "why is it important", "significance", "なぜ重要",
            "何が重要", "意味は"),
    "agreed": ("what was agreed", "what did they agree", "何が合意", "合意内容"),
    "open": ("unresolved", "still open", "sticking point", "残る課題", "課題は", "争点"),
    "next": ("what happens next", "what next", "what's next", "next step", "今後は",
             "今後どう", "次は", "次の"),
}


def intent_of(question: str) -> str | None:
    """The commentary question a reader's question is, if it is one of them."""
    q = normalise(question)
    for key, phrases in ASKED.items():
        if any(p in q for p in phrases):
            return key
    return None


def cue_hits(key: str, sentence: str) -> int:
    norm = normalise(sentence)
    return sum(1 for cue in CUES[key] if cue in norm)
