"""Every command, declared once: name, ja/en descriptions, typed arguments, permission and
handler. Platforms build their native commands from this (Discord app commands, Slack's
``/ceasefire`` sub-commands, console completion) and ``help`` lists it.

Adding a command: one ``Command`` below, plus its handler. Handlers are named
(``"module:function"``) and imported when first run, so adapters read this cheaply.
"""

from __future__ import annotations

from bot.commands import Argument, Choice, Command, Permission, Registry, Text, handler_at
from bot.model import FOLLOW_UP_COMMAND
from handlers.grammar import feedback_args, sources_args, subscribe_args

MANAGERS = Permission.MANAGERS


COMMANDS: tuple[Command, ...] = (
    Command(
        "ask", handler_at("handlers.commands:ask"),
        Text("Answer a question with a cited summary", "出典付きの要約で質問に答えます"),
        (Argument("question", Text("What you want to know, e.g. What was agreed?",
                                   "知りたいこと (例: 何が合意された?)"), required=True),),
        help=Text("answer with a cited summary (or mention me, DM me, or reply in an "
                  "update's thread)",
                  "出典付きの要約で答えます (メンション、DM、更新のスレッドへの返信でも可)")),
    Command("latest", handler_at("handlers.commands:latest"),
            Text("The newest briefing", "最新のまとめ"),
            help=Text("the newest briefing", "最新のまとめ")),
    Command(
        "since", handler_at("handlers.since:since"),
        Text("What changed since a time (yesterday, Monday, my last visit)",
             "指定した時以降の変化 (昨日、月曜日、前回など)"),
        (Argument("when", Text("Since when, e.g. yesterday, Monday, my last visit",
                               "いつから (例: 昨日、月曜日、前回)"), required=True),),
        syntax="<time>",
        help=Text("what changed since then (`since yesterday`, `since Monday`, "
                  "`since my last visit`)",
                  "その時以降の変化 (`since 昨日`、`since 月曜日`、`since 前回`)")),
    Command(
        "timeline", handler_at("handlers.timeline:timeline"),
        Text("The talks so far, one line per development", "これまでの経緯"),
        (Argument("span", Text("Which period, e.g. 3月, last 30 days",
                               "期間 (例: 3月、過去30日)")),),
        syntax="[3月|last 30 days]",
        help=Text("the talks so far: a picture, and one line per development",
                  "これまでの経緯: 図と、展開ごとに1行")),
    Command(
        "sources", handler_at("handlers.commands:sources"),
        Text("Feeds followed and their health", "フィードと稼働状況"),
        (Argument("action", Text("Add or remove a feed (channel managers)",
                                 "フィードの追加・削除 (チャンネル管理者)"),
                  choices=(Choice("add", Text("add a feed", "フィードを追加")),
                           Choice("remove", Text("remove a feed", "フィードを削除")))),
         Argument("feed", Text("The feed's address (or, to remove, its number)",
                               "フィードのURL (削除では番号も可)"))),
        syntax="",
        help=Text("the feeds followed and their health (`sources add URL`, "
                  "`sources remove URL`)",
                  "フィードと稼働状況 (`sources add URL`、`sources remove URL`)"),
        parse=sources_args),
    Command(
        "subscribe", handler_at("handlers.subscriptions:subscribe"),
        Text("Post updates in this channel (channel managers)",
             "このチャンネルに更新を投稿 (チャンネル管理者)"),
        (Argument("mode", Text("When to post (default: each new development)",
                               "投稿のタイミング"),
                  choices=(Choice("realtime", Text("each new development", "新しい展開ごと")),
                           Choice("daily", Text("a daily digest", "毎日のまとめ")),
                           Choice("both", Text("both", "両方")))),
         Argument("time", Text("Digest time HH:MM, e.g. 08:00", "まとめの時刻 HH:MM (例 08:00)")),
         Argument("lang", Text("Language of the posts", "投稿の言語"),
                  choices=(Choice("ja", Text("Japanese", "日本語")),
                           Choice("en", Text("English", "英語")))),
         Argument("timezone", Text("Time zone, e.g. Asia/Tokyo", "タイムゾーン (例 Asia/Tokyo)"),
                  typed_as="tz={}"),
         Argument("keywords", Text("Only stories matching these keywords",
                                   "このキーワードに合う記事のみ"))),
        permission=MANAGERS,
        syntax="[realtime|daily HH:MM|both HH:MM] [ja|en] [tz=Area/City] [keywords]",
        help=Text("post updates here", "ここに更新を投稿"),
        parse=subscribe_args),
    Command("unsubscribe", handler_at("handlers.subscriptions:unsubscribe"),
            Text("Stop posting updates here (channel managers)",
                 "更新の投稿を停止 (チャンネル管理者)"),
            permission=MANAGERS, help=Text("stop them", "投稿を停止")),
    Command("help", handler_at("handlers.help:help_"), Text("What the bot can do", "使い方"),
            help=Text("this message", "このメッセージ")),
    # Sent by the 👍/👎 buttons under answers, never typed.
    Command(
        "feedback", handler_at("handlers.feedback:feedback"),
        Text("Rate an answer (the 👍/👎 buttons)", "回答の評価 (👍/👎)"),
        (Argument("answer", Text("The answer's number", "回答の番号"), required=True),
         Argument("vote", Text("up or down", "up または down"), required=True,
                  choices=(Choice("up", Text("helpful", "役に立った")),
                           Choice("down", Text("not helpful", "役に立たなかった"))))),
        listed=False, parse=feedback_args),
    # Sent by the follow-up buttons under answers and updates; the console and loopback
    # type it (``more 2``, ``more s12.0.3f9c0d``), so it is never listed.
    Command(
        FOLLOW_UP_COMMAND, handler_at("handlers.followups:more"),
        Text("Ask a suggested next question (the buttons under an answer)",
             "続けて質問 (回答の下のボタン)"),
        (Argument("key", Text("The suggestion's number or code", "候補の番号またはコード"),
                  required=True),),
        listed=False),
)


def default_registry() -> Registry:
    """A registry of every command above (validated, all or nothing)."""
    return Registry(COMMANDS)
