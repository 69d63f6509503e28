"""The bot in a Discord server, end to end: the real BotApp (demo feeds, temporary SQLite)
and the real discord.py client, talking to the loopback fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import BotApp
from bot.platforms.discord import DiscordAdapter
from bot.platforms.discord.facts import DISCORD_LIMITS
from bot.platforms.discord.settings import SECTION as DISCORD
from bot.platforms.registry import load_settings
from bot.store.models import Delivery, Feedback, Subscription
from config.settings import Settings
from tests.conftest import FakeClock
from tests.fakes.discord_fake import (
    FakeDiscord,
    FakeGuild,
    Perm,
    RateLimitPolicy,
    running_fake,
)

DEMO = Path(__file__).resolve().parents[2] / "bot" / "demo" / "feeds"
MANAGE = Perm.MANAGE_CHANNELS | Perm.SEND_MESSAGES | Perm.VIEW_CHANNEL


@dataclass
class World:
    fake: FakeDiscord
    guild: FakeGuild
    app: BotApp
    adapter: DiscordAdapter
    clock: FakeClock
    tmp: Path

    @property
    def channel(self) -> int:
        return self.guild.text_channel_id

    async def slash(self, name: str, options: dict[str, Any] | None = None,
                    **kwargs: Any) -> Any:
        inter = await self.fake.dispatch_interaction(name, options, **kwargs)
        await self.fake.wait_for(lambda: inter.followups, timeout=10)
        return inter

    async def sent(self, predicate: Any, within: float = 10) -> Any:
        return await self.fake.wait_for(predicate, timeout=within)


def write_settings(tmp: Path, fake: FakeDiscord, guild: FakeGuild, feeds: list[Path],
                   **discord: Any) -> Settings:
    lines = ["demo = false", "language = 'en'"]
    for feed in feeds:
        lines += ["[[feeds]]", f"url = '{feed}'"]
    lines += ["[discord]"] + ([] if "guild_ids" in discord else [f"guild_ids = [{guild.id}]"])
    lines += [f"{k} = {v!r}".replace("'", '"') if isinstance(v, str) else
              f"{k} = {str(v).lower() if isinstance(v, bool) else v}"
              for k, v in discord.items()]
    config = tmp / "bot.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_settings(config, env={
        "CEASEFIRE_BOT_DATA_DIR": str(tmp / "data"), "DISCORD_TOKEN": fake.token,
        "DISCORD_API_BASE": fake.api_base})


START = datetime(2025, 8, 20, 0, 0, tzinfo=UTC)
DEMO_FEEDS = sorted(DEMO.glob("*.*[!d]"))


@pytest.fixture(scope="module")
def polled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo feeds read once (what the first poll at start does); tests copy the file."""
    tmp = tmp_path_factory.mktemp("polled")
    settings = load_settings(env={"CEASEFIRE_BOT_DATA_DIR": str(tmp)}, overrides={
        "demo": False, "feeds": [{"url": str(f)} for f in DEMO_FEEDS]})

    async def poll() -> None:
        async with BotApp(settings, clock=FakeClock(START)) as app:
            await app.poll()

    asyncio.run(poll())
    return settings.sqlite_path()


FASTER = 10


@contextlib.asynccontextmanager
async def world(tmp_path: Path, polled: Path | None = None, *,
                feeds: list[Path] | None = None, **discord: Any) -> AsyncIterator[World]:
    # Discord's windows, ten times faster on both sides: the fake enforces them, the bot
    # paces itself to them (like production, without the wait).
    policy = RateLimitPolicy()
    policy = replace(policy, message_per=policy.message_per / FASTER,
                     route_per=policy.route_per / FASTER, global_per=policy.global_per / FASTER)
    async with running_fake(rate_limits=policy) as fake:
        guild = fake.add_guild("Ceasefire Watch")
        settings = write_settings(tmp_path, fake, guild, feeds or DEMO_FEEDS, **discord)
        if polled is not None:
            settings.sqlite_path().parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(polled, settings.sqlite_path())
        clock = FakeClock(START)
        adapter = DiscordAdapter(settings.section(DISCORD), zone=settings.zone,
                                 guild_ready_timeout=0.1, ready_timeout=10)
        adapter.limits = replace(DISCORD_LIMITS,
                                 global_period=DISCORD_LIMITS.global_period / FASTER,
                                 channel_period=DISCORD_LIMITS.channel_period / FASTER)
        async with BotApp(settings, clock=clock, platforms=[adapter]) as app:
            if polled is None:
                await app.poll()
            serving = asyncio.create_task(app.serve(until_platforms_close=True))
            try:
                await fake.wait_for(lambda: fake.commands_for(guild.id)
                                    or fake.commands_for(None), timeout=10)
                yield World(fake, guild, app, adapter, clock, tmp_path)
            finally:
                app.request_stop()
                await serving
        # The limits were enforced and the bot never went past them (only injected 429s).
        assert [hit for hit in fake.rate_limit_hits if not hit.injected] == []


def embeds_text(msg: dict[str, Any]) -> str:
    parts = [msg.get("content") or ""]
    for embed in msg.get("embeds", []):
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


def threads_of(fake: FakeDiscord, parent: int) -> list[dict[str, Any]]:
    return [c for c in fake.channels.values() if c.get("parent_id") == str(parent)
            and c["type"] == 11]


async def test_commands_synced_to_the_guild_with_japanese_localisations(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        synced = {c["name"]: c for c in w.fake.commands_for(w.guild.id)}
        assert set(synced) == {"ask", "latest", "since", "timeline", "sources",
                               "subscribe", "unsubscribe", "help"}
        assert synced["ask"]["description_localizations"]["ja"]
        question = synced["ask"]["options"][0]
        assert question["name"] == "question" and question["description_localizations"]["ja"]
        modes = {o["name"]: o for o in synced["subscribe"]["options"]}["mode"]
        assert [c["value"] for c in modes["choices"]] == ["realtime", "daily", "both"]
        identify = w.fake.sessions[0].identify
        assert identify["intents"] & (1 << 15)  # message content: mention_answers = true


async def test_ask_is_deferred_then_answered_with_citations_and_feedback_buttons(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        inter = await w.slash("ask", {"question": "What was agreed in Jeddah?"})
        assert inter.deferred and inter.callbacks[0]["type"] == 5
        answer = inter.followups[0]
        text = embeds_text(answer)
        assert "[1]" in text and "](https://demo.ceasefire-bot.example/" in text
        followups = [c.json for c in w.fake.calls_to("POST", "/webhooks/*")]
        assert followups and all(f["allowed_mentions"] == {"parse": []} for f in followups)
        buttons = answer["components"][0]["components"]
        assert [b["emoji"]["name"] for b in buttons] == ["👍", "👎"]
        click = await w.fake.dispatch_component(int(answer["id"]), buttons[0]["custom_id"])
        await w.fake.wait_for(lambda: click.acknowledged, timeout=10)
        assert click.callbacks[0]["data"]["flags"] & 64
        async with w.app.deps.sessions() as session:
            votes = (await session.scalars(select(Feedback))).all()
        assert [(v.helpful, v.user_id) for v in votes] == [
            (True, str(w.fake.default_user["id"]))]


async def test_subscribe_needs_manage_channels_and_others_get_an_ephemeral_refusal(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        bob = w.fake.add_user("bob")
        inter = await w.slash("subscribe", user=bob, permissions=Perm.SEND_MESSAGES)
        assert inter.callbacks[0]["data"]["flags"] & 64
        assert "Manage Channels" in inter.followups[0]["content"]
        async with w.app.deps.sessions() as session:
            assert (await session.scalars(select(Subscription))).all() == []


async def test_update_posts_an_embed_and_a_thread_with_the_qa(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        inter = await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)
        assert "Subscribed" in inter.followups[0]["content"]
        posts = await w.sent(lambda: [m for m in w.fake.messages_in(w.channel)
                                      if m.get("embeds") and not m.get("interaction_metadata")])
        post = posts[0]
        assert post["embeds"][0]["title"].startswith("🕊")
        assert post["embeds"][0]["timestamp"] and post["embeds"][0]["color"]
        thread = await w.sent(lambda: w.fake.channels.get(int(post["id"])))
        assert thread["thread_metadata"]["auto_archive_duration"] == 1440
        replies = await w.sent(lambda: len(w.fake.messages_in(int(thread["id"]))) >= 3
                               and w.fake.messages_in(int(thread["id"])))
        assert any("❓" in embeds_text(m) for m in replies)
        nonces = [c.json.get("nonce") for c in w.fake.calls_to("POST", "/channels/*/messages")]
        assert all(nonces) and len(set(nonces)) == len(nonces)
        # someone replies in the thread: answered there
        await w.fake.dispatch_message_create(int(thread["id"]), "What happens next?")
        answered = await w.sent(lambda: [m for m in w.fake.messages_in(int(thread["id"]))
                                         if m.get("message_reference")])
        assert "💬" in embeds_text(answered[0])


async def test_a_dm_is_answered(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        msg = await w.fake.dispatch_dm("What was agreed in Jeddah?")
        channel = int(msg["channel_id"])
        reply = await w.sent(lambda: [m for m in w.fake.messages_in(channel)
                                      if m["author"]["id"] == str(w.fake.bot_id)])
        assert "[1]" in embeds_text(reply[0])


async def test_a_mention_in_a_channel_is_answered(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        await w.fake.dispatch_message_create(
            w.channel, f"{w.fake.mention_bot} what did the Alaska summit decide?")
        reply = await w.sent(lambda: [m for m in w.fake.messages_in(w.channel)
                                      if m["author"]["id"] == str(w.fake.bot_id)])
        assert "💬" in embeds_text(reply[0])
        await w.fake.dispatch_message_create(w.channel, "just chatting, no mention")
        await asyncio.sleep(0.2)
        assert len([m for m in w.fake.messages_in(w.channel)
                    if m["author"]["id"] == str(w.fake.bot_id)]) == 1


PHISH = "[Official statement](https://evil.example/phish)"
HOSTILE_TITLE = ("@everyone @here Ceasefire talks: Putin and Zelensky agree to meet in Geneva "
                 "{role} {user} " + PHISH + " ‮evil​")
HOSTILE_BODY = (
    "<p>Russia and Ukraine agreed on 21 August to hold ceasefire talks between Putin and "
    "Zelensky in Geneva, @everyone said in an " + PHISH + ". The meeting matters because "
    "it would be the first between the two presidents since the war began. Security "
    "guarantees are still unresolved. Officials said the leaders will next meet in September.</p>")
HOSTILE_ITEM = (
    "<item>\n<title>" + HOSTILE_TITLE + "</title>\n"
    "<link>https://demo.ceasefire-bot.example/harbor-wire/2025/08/21/geneva-meeting</link>\n"
    '<guid isPermaLink="false">tag:demo.ceasefire-bot.example,2025:harbor-wire/0821</guid>\n'
    "<pubDate>Thu, 21 Aug 2025 09:00:00 +0000</pubDate>\n"
    "<description><![CDATA[" + HOSTILE_BODY + "]]></description>\n</item>\n")


def feed_with(base: str, item: str) -> str:
    head, _, tail = base.partition("<item>")
    return head + item + "<item>" + tail


async def test_hostile_feed_text_pings_no_one(tmp_path: Path) -> None:
    feed = tmp_path / "harbor.xml"
    base = (DEMO / "harbor-wire.xml").read_text(encoding="utf-8")
    feed.write_text(base, encoding="utf-8")
    async with world(tmp_path, feeds=[feed]) as w:
        role = w.fake.add_role(w.guild.id, "moderators", 0)
        user = w.fake.default_user
        await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)
        await w.sent(lambda: w.fake.channels.get(int(_first_post(w)["id"]))
                     if _first_post(w) else None)
        before = len(w.fake.messages_in(w.channel))
        feed.write_text(feed_with(base, HOSTILE_ITEM.format(
            role=f"<@&{role['id']}>", user=f"<@{user['id']}>")), encoding="utf-8")
        w.clock.advance(hours=34)
        await w.app.poll()  # what the scheduler's poll job runs
        posts = await w.sent(lambda: [m for m in w.fake.messages_in(w.channel)[before:]
                                      if "Geneva" in embeds_text(m)])
        post = posts[0]
        assert "everyone" in embeds_text(post)
        thread = await w.sent(lambda: w.fake.channels.get(int(post["id"])))
        await w.sent(lambda: len(w.fake.messages_in(int(thread["id"]))) >= 2)
        bot_messages = [m for c in (w.channel, int(thread["id"]))
                        for m in w.fake.messages_in(c) if m["author"]["id"] ==
                        str(w.fake.bot_id)]
        for m in bot_messages:
            assert not m["mention_everyone"] and m["mentions"] == [] \
                and m["mention_roles"] == []
        shown = "\n".join(embeds_text(m) for m in bot_messages)
        assert "Official statement" in shown
        for live in ("](https://evil", "https://evil", "<https://evil", "\u202e", "\u200bevil"):
            assert live not in shown
        assert "\u202e" not in thread["name"] and "@everyone" not in thread["name"]
        sends = [c.json for c in w.fake.calls_to("POST", "/channels/*/messages")]
        assert sends and all(body["allowed_mentions"]["parse"] == [] for body in sends)


async def settled(w: World) -> None:
    """Wait until the outbox has nothing left to send."""
    for _ in range(500):
        async with w.app.deps.sessions() as session:
            left = await session.scalar(select(Delivery.id).where(
                Delivery.status.in_(("pending", "claimed"))).limit(1))
        if left is None:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError("the outbox did not drain")


def _first_post(w: World) -> dict[str, Any] | None:
    posts = [m for m in w.fake.messages_in(w.channel)
             if m.get("embeds") and not m.get("interaction_metadata")]
    return posts[0] if posts else None


async def test_a_429_on_send_delays_and_loses_nothing(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        w.fake.rate_limit_next(2, route="POST /channels/*/messages", retry_after=0.2)
        await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)
        post = await w.sent(lambda: _first_post(w))
        thread = int(post["id"])
        await w.sent(lambda: w.fake.channels.get(thread))
        async with w.app.deps.sessions() as session:
            rows = (await session.scalars(select(Delivery).where(
                Delivery.parent_key.is_not(None)))).all()
        expected = len(rows)
        await w.sent(lambda: len(w.fake.messages_in(thread)) >= expected)
        await asyncio.sleep(0.3)
        assert w.fake.rate_limited_count >= 2
        assert len(w.fake.messages_in(thread)) == expected
        assert len([m for m in w.fake.messages_in(w.channel)
                    if m.get("embeds") and not m.get("interaction_metadata")]) == 1


async def test_missing_permissions_pause_the_subscription_with_one_notice(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        w.fake.deny(w.channel, "create_thread")
        await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)

        def notices() -> list[dict[str, Any]]:
            return [m for m in w.fake.messages_in(w.channel)
                    if "paused" in (m.get("content") or "")]

        found = await w.sent(notices)
        await asyncio.sleep(0.3)
        assert len(notices()) == 1
        assert "Create Public Threads" in found[0]["content"]
        assert _first_post(w) is None
        async with w.app.deps.sessions() as session:
            sub = await session.scalar(select(Subscription))
        assert sub is not None and not sub.active
        assert "Create Public Threads" in (sub.paused_reason or "")


async def test_latest_follows_up_with_the_update_and_opens_its_qa_thread(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        inter = await w.slash("latest", locale="ja")
        post = inter.followups[0]
        assert post["embeds"][0]["title"].startswith("🕊")
        assert "この更新で分かる事" in post["embeds"][0]["description"]
        thread = await w.sent(lambda: w.fake.channels.get(int(post["id"])))
        # The thread opens on "what we know" (Japanese: the asker's locale), then the Q&A.
        replies = await w.sent(lambda: [m for m in w.fake.messages_in(int(thread["id"]))
                                        if "❓" in embeds_text(m)]
                               and w.fake.messages_in(int(thread["id"])))
        assert "📌 現時点で分かっていること" in embeds_text(replies[0])
        assert any("❓" in embeds_text(m) for m in replies[1:])


async def test_a_managers_mistake_is_shown_only_to_them(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        inter = await w.slash("subscribe", {"mode": "daily", "time": "25:99"},
                              permissions=MANAGE)
        [reply] = inter.followups
        assert reply["flags"] & 64 and "HH:MM" in reply["content"]
        assert inter.original_message is None or inter.original_message["flags"] & 64


async def test_a_429_beyond_discord_py_retries_is_sent_later_exactly_once(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        # discord.py retries a 429 itself a few times; past that the outbox takes over.
        w.fake.rate_limit_next(8, route="POST /channels/*/messages", retry_after=0.01)
        await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)

        async def root_row() -> Delivery | None:
            async with w.app.deps.sessions() as session:
                return await session.scalar(select(Delivery).where(
                    Delivery.parent_key.is_(None), Delivery.story_id.is_not(None)))

        async def retried() -> bool:
            row = await root_row()
            return row is not None and row.attempts >= 1 and row.status == "pending"

        for _ in range(200):
            if await retried():
                break
            await asyncio.sleep(0.02)
        row = await root_row()
        assert row is not None and row.status == "pending" and "rate limited" in (row.error or "")
        assert _first_post(w) is None
        w.clock.advance(minutes=20)
        w.app.sender.poke()
        post = await w.sent(lambda: _first_post(w))
        await w.sent(lambda: w.fake.channels.get(int(post["id"])))
        await asyncio.sleep(0.2)
        assert len([m for m in w.fake.messages_in(w.channel)
                    if m.get("embeds") and not m.get("interaction_metadata")]) == 1


async def test_hostile_question_text_pings_no_one(tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        role = w.fake.add_role(w.guild.id, "everyone-else", 0)
        bob = w.fake.add_user("bob")
        question = f"@everyone @here <@&{role['id']}> <@{bob['id']}> what was agreed in Jeddah?"
        inter = await w.slash("ask", {"question": question})
        [answer] = inter.followups
        assert not answer["mention_everyone"] and answer["mentions"] == []
        assert "@everyone" not in embeds_text(answer)
        await w.fake.dispatch_message_create(w.channel, f"{w.fake.mention_bot} {question}")
        reply = await w.sent(lambda: [m for m in w.fake.messages_in(w.channel)
                                      if m.get("message_reference")])
        assert not reply[0]["mention_everyone"] and reply[0]["mentions"] == []


FOLLOWUP_ENTRY = (
    "<entry>\n<title>Update: Zelensky and European leaders press Trump on security guarantees "
    "after the White House talks</title>\n"
    '<link rel="alternate" type="text/html" href="https://demo.ceasefire-bot.example/'
    'meridian-daily/world/2025/08/20/security-guarantees-followup"/>\n'
    "<id>tag:demo.ceasefire-bot.example,2025:meridian-daily/0820-guarantees</id>\n"
    "<published>2025-08-20T03:00:00Z</published>\n<updated>2025-08-20T03:00:00Z</updated>\n"
    '<summary type="text">European leaders said on 19 August that security guarantees for '
    "Ukraine after a peace deal must be agreed before any ceasefire talks with Russia. The "
    "White House said a working group will meet next week. Whether US troops would take part "
    "is still unresolved.</summary>\n</entry>\n")


@contextlib.asynccontextmanager
async def story_posted(tmp_path: Path) -> AsyncIterator[
        tuple[World, Path, str, dict[str, Any], int]]:
    """A channel subscribed to a copy of one demo feed, its latest story posted and the
    thread settled: (world, feed file, feed text, the post, messages in its thread)."""
    feed = tmp_path / "meridian.atom"
    base = (DEMO / "meridian-daily.atom").read_text(encoding="utf-8")
    feed.write_text(base, encoding="utf-8")
    async with world(tmp_path, feeds=[feed]) as w:
        await w.slash("subscribe", {"lang": "en"}, permissions=MANAGE)
        post = await w.sent(lambda: _first_post(w))
        await settled(w)
        yield w, feed, base, post, len(w.fake.messages_in(int(post["id"])))


async def test_a_later_development_of_a_posted_story_goes_into_its_thread(
        tmp_path: Path) -> None:
    async with story_posted(tmp_path) as (w, feed, base, post, before):
        thread = int(post["id"])
        # A new report of the same story, and the first report updated: a new development.
        head, _, tail = base.partition("<entry>")
        updated = tail.replace("The main subject was security guarantees",
                               "The main subject, again, was security guarantees", 1)
        feed.write_text(head + FOLLOWUP_ENTRY + "<entry>" + updated, encoding="utf-8")
        w.clock.advance(hours=4)
        await w.app.poll()
        await settled(w)
        later = w.fake.messages_in(thread)[before:]
        # What is new, then the new sources: all inside the story's thread.
        assert later and any("📰" in embeds_text(m) for m in later)
        assert any("press Trump on security guarantees" in embeds_text(m) for m in later)
        assert len([m for m in w.fake.messages_in(w.channel)
                    if m.get("embeds") and not m.get("interaction_metadata")]) == 1


async def test_a_development_changing_the_headline_figures_adds_one_post_linking_to_the_thread(
        tmp_path: Path) -> None:
    async with story_posted(tmp_path) as (w, feed, base, post, before):
        thread = int(post["id"])
        # The new report's headline states a date the posted one did not.
        entry = FOLLOWUP_ENTRY.replace(
            "after the White House talks</title>",
            "after the White House talks; working group to meet on 27 August</title>")
        head, _, tail = base.partition("<entry>")
        feed.write_text(head + entry + "<entry>" + tail, encoding="utf-8")
        w.clock.advance(hours=4)
        for _ in range(2):  # a second poll (and fan-out) adds nothing
            await w.app.poll()
            await settled(w)
        later = w.fake.messages_in(thread)[before:]
        posts = [m for m in w.fake.messages_in(w.channel)
                 if m.get("embeds") and not m.get("interaction_metadata")]
        assert later and all("See the thread" not in embeds_text(m) for m in later)
        assert len(posts) == 2 and posts[0]["id"] == post["id"]
        short = posts[1]["embeds"][0]
        assert short["title"].startswith("🕊 Update:") and "27 August" in short["title"]
        link = f"https://discord.com/channels/{w.guild.id}/{w.channel}/{post['id']}"
        assert short["description"].endswith(f"🧵 [See the thread]({link})")
