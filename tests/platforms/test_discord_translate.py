"""Pure translation on raw Discord payloads: interactions and messages in, embeds out."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.model import (
    QA,
    Answer,
    Briefing,
    Citation,
    DigestPost,
    EarlierReply,
    Notice,
    QAReply,
    Reply,
    Sentence,
    SourceCard,
    SourceReply,
    TimelineEntry,
    UpdatePost,
)
from bot.platforms.discord.escape import inert, plain, thread_name
from bot.platforms.discord.render import parse_feedback_id, render
from bot.platforms.discord.split import pack
from bot.platforms.discord.translate import bad_ids, interaction_request, message_request

ZONE = ZoneInfo("Asia/Tokyo")
BOT = "1000"
WHEN = datetime(2025, 8, 18, 12, 0, tzinfo=UTC)


def slash(name: str, options: list[dict[str, object]] | None = None, *, permissions: int = 0,
          roles: list[str] | None = None, guild: bool = True, locale: str = "en-US",
          channel: dict[str, object] | None = None) -> dict[str, object]:
    payload: dict[str, object] = {
        "type": 2, "id": "1", "token": "t", "channel_id": "20", "locale": locale,
        "channel": channel or {"id": "20", "type": 0},
        "data": {"name": name, "type": 1, "options": options or []},
    }
    user = {"id": "42", "username": "alice"}
    if guild:
        payload |= {"guild_id": "10", "member": {"user": user, "roles": roles or [],
                                                 "permissions": str(permissions)}}
    else:
        payload["user"] = user
    return payload


def test_ask_option_becomes_the_question_and_language_is_left_to_detection() -> None:
    req = interaction_request(slash("ask", [{"name": "question", "type": 3,
                                             "value": "What was agreed?"}], locale="ja"))
    assert req is not None
    assert (req.command, req.text, req.kind, req.lang) == ("ask", "What was agreed?",
                                                           "command", None)
    assert (req.channel_id, req.space_id, req.user_id, req.is_dm) == ("20", "10", "42", False)


def test_subscribe_options_join_in_the_order_the_handler_parses() -> None:
    options = [{"name": "keywords", "type": 3, "value": "Istanbul"},
               {"name": "lang", "type": 3, "value": "ja"},
               {"name": "time", "type": 3, "value": "07:30"},
               {"name": "mode", "type": 3, "value": "daily"},
               {"name": "timezone", "type": 3, "value": "Europe/Kyiv"}]
    req = interaction_request(slash("subscribe", options, locale="ja"))
    assert req is not None
    assert req.text == "daily 07:30 ja tz=Europe/Kyiv Istanbul"
    assert req.lang == "ja"


def test_manage_channels_or_the_manager_role_may_subscribe() -> None:
    plain = interaction_request(slash("subscribe", permissions=1 << 11))
    manager = interaction_request(slash("subscribe", permissions=1 << 4))
    admin = interaction_request(slash("subscribe", permissions=1 << 3))
    by_id = interaction_request(slash("subscribe", roles=["77"]), manager_role="77")
    by_name = interaction_request(slash("subscribe"), manager_role="news",
                                  role_names=["news"])
    assert plain is not None and not plain.can_manage
    assert "Manage Channels" in plain.manager_hint
    assert all(r is not None and r.can_manage for r in (manager, admin, by_id, by_name))
    assert by_id is not None and "`77`" in by_id.manager_hint
    # A manager role is configured, but this member has other roles only.
    other = interaction_request(slash("subscribe", roles=["78"]), manager_role="77",
                                role_names=["members"])
    assert other is not None and not other.can_manage


def test_dm_interaction_and_thread_interaction() -> None:
    dm = interaction_request(slash("latest", guild=False))
    assert dm is not None and dm.is_dm and dm.space_id is None and not dm.can_manage
    in_thread = interaction_request(slash("ask", channel={"id": "20", "type": 11,
                                                          "parent_id": "5"}))
    assert in_thread is not None
    assert (in_thread.channel_id, in_thread.thread_id) == ("5", "20")


def test_other_interaction_types_are_not_requests() -> None:
    assert interaction_request({"type": 3, "data": {"custom_id": "x"}}) is None


def message(content: str, *, guild: bool = True, author: str = "42", bot: bool = False,
            mentions: list[str] | None = None) -> dict[str, object]:
    payload: dict[str, object] = {
        "id": "900", "type": 0, "content": content, "channel_id": "20",
        "author": {"id": author, "bot": bot},
        "mentions": [{"id": m} for m in mentions or []],
    }
    if guild:
        payload["guild_id"] = "10"
    return payload


def test_dm_is_a_question_or_a_command() -> None:
    ask = message_request(message("停戦の合意は?", guild=False), bot_id=BOT)
    sub = message_request(message("subscribe daily 08:00", guild=False), bot_id=BOT)
    assert ask is not None and (ask.kind, ask.command, ask.text, ask.is_dm) == (
        "dm", "ask", "停戦の合意は?", True)
    assert sub is not None and (sub.command, sub.text) == ("subscribe", "daily 08:00")


def test_mention_strips_the_mention_and_plain_chatter_is_ignored() -> None:
    req = message_request(message(f"<@{BOT}> latest", mentions=[BOT]), bot_id=BOT)
    assert req is not None and (req.kind, req.command, req.text) == ("mention", "latest", "")
    nick = message_request(message(f"<@!{BOT}> what next?"), bot_id=BOT)
    assert nick is not None and (nick.command, nick.text) == ("ask", "what next?")
    # Subscribing by mention is not allowed: permissions come with the slash command.
    sub = message_request(message(f"<@{BOT}> subscribe", mentions=[BOT]), bot_id=BOT)
    assert sub is not None and sub.command == "ask"
    assert message_request(message("hello all"), bot_id=BOT) is None
    assert message_request(message(f"<@{BOT}>", mentions=[BOT]), bot_id=BOT) is None


def test_reply_in_the_bots_thread_is_answered_there_and_others_threads_are_not() -> None:
    ours = {"type": 11, "owner_id": BOT, "parent_id": "5"}
    theirs = {"type": 11, "owner_id": "42", "parent_id": "5"}
    req = message_request(message("Why does it matter?"), bot_id=BOT, channel=ours)
    assert req is not None
    assert (req.kind, req.channel_id, req.thread_id) == ("thread_reply", "5", "20")
    assert message_request(message("chat"), bot_id=BOT, channel=theirs) is None


def test_own_and_other_bots_messages_are_ignored() -> None:
    assert message_request(message("hi", guild=False, author=BOT), bot_id=BOT) is None
    assert message_request(message("hi", guild=False, bot=True), bot_id=BOT) is None


HOSTILE = "@everyone @here <@&555> <@42> <#7> talks resume"


def test_every_sanitiser_breaks_every_mention_form() -> None:
    for safe in (inert(HOSTILE), plain(HOSTILE), thread_name(HOSTILE)):
        for raw in ("@everyone", "@here", "<@&555>", "<@42>", "<#7>"):
            assert raw not in safe
        assert "talks resume" in safe


def post(**kw: object) -> UpdatePost:
    base: dict[str, object] = {
        "story_id": 1, "headline": "Talks resume in Istanbul",
        "key_points": ("Delegations met.", "A swap was agreed."),
        "outlets": ("Harbor Wire", "Nami News", "Meridian", "Kyokai"),
        "published": WHEN, "lang": "en"}
    return UpdatePost(**(base | kw))  # type: ignore[arg-type]


def test_update_post_is_an_embed_with_title_points_sources_timestamp_and_colour() -> None:
    [msg] = render(post(), zone=ZONE)
    body = msg.payload()
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    assert embed["title"] == "🕊 Talks resume in Istanbul"
    assert "💡 Delegations met." in embed["description"]
    assert embed["fields"][0]["name"] == "Sources"
    assert embed["fields"][0]["value"] == "Harbor Wire · Nami News · Meridian (+1)"
    assert embed["timestamp"].startswith("2025-08-18T12:00")
    assert embed["color"] and "2025-08-18 21:00 JST" in embed["footer"]["text"]
    assert msg.thread_title == "Talks resume in Istanbul"


def test_short_update_post_links_to_the_story_thread() -> None:
    url = "https://discord.com/channels/1/20/300"
    [msg] = render(post(is_followup=True, key_points=("A swap was agreed.",), thread_link=url),
                   zone=ZONE)
    assert msg.payload()["embeds"][0]["description"].endswith(f"🧵 [See the thread]({url})")
    [ja] = render(post(is_followup=True, lang="ja", thread_link="<#300>"), zone=ZONE)
    # The adapter's own thread mention is kept as it is (it renders as a link to the thread).
    assert ja.payload()["embeds"][0]["description"].endswith("🧵 スレッドを見る: <#300>")
    [plain] = render(post(), zone=ZONE)
    assert "🧵" not in plain.payload()["embeds"][0]["description"]


def test_hostile_headline_is_neutralised_in_the_embed() -> None:
    [msg] = render(post(headline=HOSTILE), zone=ZONE)
    title = msg.payload()["embeds"][0]["title"]
    assert "@everyone" not in title and "<@&555>" not in title and "<@42>" not in title


def test_briefing_renders_post_then_thread_replies() -> None:
    briefing = Briefing(
        story_id=1, headline="Talks", key_points=("A.",),
        qa=(QA("Why does it matter?", (Sentence("Because.", (1,)),)),),
        sources=(SourceCard(1, "Harbor Wire", "Title", "https://x.example/a", ("B.",)),),
        earlier=(), outlets=("Harbor Wire",), published=WHEN, lang="en")
    messages = render(briefing, zone=ZONE)
    assert [m.in_thread for m in messages] == [False, True, True]
    assert messages[1].payload()["embeds"][0]["description"] == "Because.[1]"
    card = messages[2].payload()["embeds"][0]
    assert card["url"] == "https://x.example/a" and "(https://x.example/a)" in card["description"]


def answer(sentences: tuple[Sentence, ...], citations: tuple[Citation, ...]) -> Answer:
    return Answer("What was agreed?", True, sentences, citations, "en", answer_id=9)


def test_answer_carries_linked_citations_and_feedback_buttons() -> None:
    cites = (Citation(1, "Deal signed", "https://x.example/1", "Harbor Wire", WHEN),)
    [msg] = render(answer((Sentence("A deal was signed.", (1,)),), cites), zone=ZONE)
    body = msg.payload()
    text = body["embeds"][0]["description"]
    assert "A deal was signed.[1]" in text
    assert "[1] Harbor Wire: [Deal signed](https://x.example/1) (2025-08-18)" in text
    buttons = body["components"][0]["components"]
    assert [b["custom_id"] for b in buttons] == ["feedback:9:up", "feedback:9:down"]
    assert parse_feedback_id("feedback:9:down") == (9, False)
    assert parse_feedback_id("other:9:up") is None


def test_long_answer_splits_at_sentences_never_inside_a_citation() -> None:
    sentences = tuple(Sentence(f"Sentence number {i} says something rather long about the "
                               f"talks and what the delegations said in public.", (i % 3 + 1,))
                      for i in range(150))
    cites = tuple(Citation(n, f"Title {n} " + "x" * 150, f"https://x.example/{n}",
                           "Outlet") for n in range(1, 4))
    messages = render(answer(sentences, cites), zone=ZONE)
    assert len(messages) >= 1
    descriptions = [e["description"] for m in messages for e in m.payload()["embeds"]]
    assert len(descriptions) > 1
    assert all(len(d) <= 4096 for d in descriptions)
    for m in messages:
        embeds = m.payload()["embeds"]
        assert len(embeds) <= 10
        assert sum(len(e.get("description", "")) + len(e.get("title", "")) for e in embeds) \
            <= 6000
    joined = "\n".join(descriptions)
    for s in sentences:
        assert f"{s.text}[{s.refs[0]}]" in joined
    for c in cites:
        assert f"[{c.n}] Outlet: [{c.title}]({c.url})" in joined
    # Only the last message carries the buttons.
    assert [bool(m.payload().get("components")) for m in messages][-1]
    assert not any(m.payload().get("components") for m in messages[:-1])


def test_pack_keeps_trailing_citations_with_an_oversized_sentence() -> None:
    long = "word " * 100 + "end.[3][4]"
    pieces = pack([long], limit=120)
    assert all(len(p) <= 120 for p in pieces)
    assert pieces[-1].endswith("end.[3][4]")


def test_reply_and_notice_are_plain_text_and_ephemeral_is_kept() -> None:
    [reply] = render(Reply("Only channel managers can subscribe.", ephemeral=True), zone=ZONE)
    assert reply.payload()["flags"] == 64 and reply.payload()["content"].startswith("Only")
    long = Reply("\n".join(f"2025-0{i % 9 + 1}-01 line {i} " + "y" * 80 for i in range(60)))
    pieces = render(long, zone=ZONE)
    assert len(pieces) > 1 and all(len(p.content) <= 2000 for p in pieces)
    [notice] = render(Notice("paused: @everyone"), zone=ZONE)
    assert "embeds" not in notice.payload() and "@everyone" not in notice.content


def test_qa_reply_renders_cited_sentences() -> None:
    [msg] = render(QAReply("What happens next?", (Sentence("Talks go on.", (2,)),), "en"),
                   zone=ZONE)
    embed = msg.payload()["embeds"][0]
    assert embed["title"] == "❓ What happens next?" and embed["description"] == "Talks go on.[2]"


def test_many_source_cards_are_grouped_within_discord_message_limits() -> None:
    cards = tuple(SourceCard(n, "Outlet", f"Title {n}", f"https://x.example/{n}",
                             ("A bullet. " * 40,)) for n in range(1, 15))
    messages = render(SourceReply(cards, "ja"), zone=ZONE)
    embeds = [e for m in messages for e in m.payload()["embeds"]]
    assert [e["url"] for e in embeds] == [c.url for c in cards]
    assert all(len(m.embeds) <= 10 and sum(len(e) for e in m.embeds) <= 6000
               for m in messages)
    assert "さらに読む" in embeds[0]["description"]


def test_digest_and_timeline_render_as_embeds_in_the_channel_zone() -> None:
    [digest] = render(DigestPost("Today in the talks", ("@here Talks resume", "Swap agreed"),
                                 WHEN, "en"), zone=ZONE)
    embed = digest.payload()["embeds"][0]
    assert embed["title"] == "🗞 Today in the talks (2025-08-18)"
    assert "• Swap agreed" in embed["description"] and "@here" not in embed["description"]
    [earlier] = render(EarlierReply((TimelineEntry(WHEN, "Alaska summit"),), "ja"), zone=ZONE)
    assert earlier.payload()["embeds"][0]["description"] == "2025-08-18 Alaska summit"


def test_interactions_with_empty_or_malformed_ids_are_named_for_refusal() -> None:
    assert bad_ids(slash("subscribe")) is None and bad_ids(slash("ask", guild=False)) is None
    empty = slash("subscribe") | {"channel_id": "", "channel": {"id": "", "type": 0}}
    assert bad_ids(empty) == "channel"
    assert bad_ids(slash("subscribe") | {"channel_id": "20x", "channel": {}}) == "channel"
    assert bad_ids(slash("subscribe") | {"channel_id": "1" * 30, "channel": {}}) == "channel"
    assert bad_ids(slash("subscribe") | {"guild_id": "-1"}) == "server"
    no_user = slash("ask", guild=False) | {"user": {"id": ""}}
    assert bad_ids(no_user) == "user"
