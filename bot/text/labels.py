"""Labels in the channel's language."""

from __future__ import annotations

QUESTIONS: dict[str, dict[str, str]] = {
    "why": {"en": "Why does it matter?", "ja": "何が重要?"},
    "agreed": {"en": "What was agreed?", "ja": "何が合意された?"},
    "open": {"en": "What is still unresolved?", "ja": "残る課題は?"},
    "next": {"en": "What happens next?", "ja": "今後は?"},
}

LABELS: dict[str, dict[str, str]] = {
    "summary": {"en": "What this update tells you", "ja": "この更新で分かる事"},
    "read_more": {"en": "Read more ⇒", "ja": "さらに読む ⇒ 出典"},
    "earlier": {"en": "Earlier in the talks", "ja": "これまでの経緯"},
    "sources": {"en": "Sources", "ja": "出典"},
    "update": {"en": "Update", "ja": "続報"},
    "see_thread": {"en": "See the thread", "ja": "スレッドを見る"},
    "digest": {"en": "Today in the ceasefire talks", "ja": "本日の停戦協議まとめ"},
    "no_source": {"en": "No source found", "ja": "出典が見つかりません"},
    "known": {"en": "What we know", "ja": "現時点で分かっていること"},
    "known_updated": {"en": "updated", "ja": "更新"},
    "latest_report": {"en": "latest report", "ja": "最新の報道"},
    "next_date": {"en": "next date named", "ja": "次に示された日付"},
}


def label(key: str, lang: str) -> str:
    table = LABELS.get(key) or QUESTIONS[key]
    return table.get(lang) or table["en"]
