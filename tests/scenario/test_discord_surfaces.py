"""Issue 16's Discord surfaces end to end: the real BotApp and the real discord.py client
against the fake Discord. A user-installed /ask where the server never added the bot,
update posts as Components V2 layouts with their Q&A thread, tagged forum posts, and
published (crossposted) announcements with the notice when they cannot be published."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.model import UpdatePost
from bot.platforms.base import Target
from bot.text.kinds import KIND_NAMES
from tests.fakes.discord_fake import FakeDiscord, Perm
from tests.scenario.test_discord_e2e import (
    MANAGE,
    World,
    embeds_text,
    polled_db,
    settled,
    world,
)

__all__ = ["polled_db"]  # the module-scoped fixture, shared with the e2e module

V2 = 1 << 15
CROSSPOSTED = 1
#: Every name a development-kind tag may have (either language).
TAG_NAMES = {name for names in KIND_NAMES.values() for name in names.values()}


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for c in components:
        out.append(c)
        out += walk(c.get("components") or [])
        if c.get("accessory"):
            out.append(c["accessory"])
    return out


def layout_text(msg: dict[str, Any]) -> str:
    return "\n".join(c.get("content") or "" for c in walk(msg.get("components") or []))


def bot_posts(fake: FakeDiscord, channel: int) -> list[dict[str, Any]]:
    return [m for m in fake.messages_in(channel) if m["author"]["id"] == str(fake.bot_id)
            and not m.get("interaction_metadata")]


def failures(fake: FakeDiscord) -> list[Any]:
    """Calls the fake refused as Discord would (4xx other than rate limits)."""
    return [e for e in fake.log if 400 <= e.status < 500 and e.status != 429]


# --------------------------------------------------------------------------- user installs


@pytest.mark.parametrize("external_apps", [True, False], ids=["allowed", "refused"])
async def test_a_user_installed_ask_in_a_server_without_the_bot(
        tmp_path: Path, polled_db: Path, external_apps: bool) -> None:
    async with world(tmp_path, polled_db, guild_ids=[]) as w:
        synced = {c["name"]: c for c in w.fake.commands_for(None)}
        assert synced["ask"]["integration_types"] == [0, 1]
        assert synced["ask"]["contexts"] == [0, 1, 2]
        assert synced["subscribe"]["integration_types"] == [0]  # needs the server's install
        elsewhere = w.fake.add_guild("Another server", with_bot=False)
        carol = w.fake.add_user("carol")
        perms = Perm.SEND_MESSAGES | Perm.VIEW_CHANNEL | (
            Perm.USE_EXTERNAL_APPS if external_apps else 0)
        inter = await w.slash("ask", {"question": "What was agreed in Jeddah?"},
                              channel_id=elsewhere.text_channel_id, user=carol,
                              permissions=perms)
        assert inter.payload["authorizing_integration_owners"] == {"1": carol["id"]}
        answer = inter.followups[0]
        assert "[1]" in embeds_text(answer) and "💬" in embeds_text(answer)
        # Answered through the interaction's webhook only: nothing sent to the channel.
        assert w.fake.calls_to("POST", f"/channels/{elsewhere.text_channel_id}/*") == []
        private = bool((inter.callbacks[0].get("data") or {}).get("flags", 0) & 64)
        assert private is (not external_apps)
        assert failures(w.fake) == []


async def test_a_user_installed_latest_stays_within_five_follow_ups_and_opens_no_thread(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db, guild_ids=[]) as w:
        elsewhere = w.fake.add_guild("Another server", with_bot=False)
        inter = await w.slash("latest", channel_id=elsewhere.text_channel_id,
                              permissions=Perm.SEND_MESSAGES | Perm.USE_EXTERNAL_APPS)
        await asyncio.sleep(0.5)  # let any further follow-up arrive
        assert inter.followups[0]["embeds"][0]["title"].startswith("🕊")
        assert 2 <= len(inter.followups) <= 5
        shown = "\n".join(embeds_text(m) for m in inter.followups)
        assert "❓" in shown  # the Q&A commentary came along, regrouped
        assert [c for c in w.fake.channels.values()
                if c.get("parent_id") == str(elsewhere.text_channel_id)] == []
        assert failures(w.fake) == []


# --------------------------------------------------------------------------- Components V2


@pytest.mark.parametrize("days_later", [1, 365])
async def test_an_update_post_as_a_v2_layout_with_its_thread(
        tmp_path: Path, polled_db: Path, days_later: int) -> None:
    async with world(tmp_path, polled_db, components_v2=True) as w:
        w.clock.advance(days=days_later)
        await w.slash("subscribe", {"lang": "ja"}, permissions=MANAGE)
        post = (await w.sent(lambda: [m for m in bot_posts(w.fake, w.channel)
                                      if m["flags"] & V2]))[0]
        assert not post["content"] and post["embeds"] == []
        container, follow_ups = post["components"]  # the layout, then its follow-up row
        assert container["type"] == 17 and container["accent_color"]
        assert follow_ups["type"] == 1 and all(
            b["style"] == 2 and b["custom_id"].startswith("followup:")
            for b in follow_ups["components"])
        assert len(walk(post["components"])) <= 40
        every = walk([container])
        text = layout_text(post)
        assert "🕊" in text and "💡" in text and "この更新で分かる事" in text
        buttons = [c for c in every if c["type"] == 2]
        assert buttons and all(b["style"] == 5 and b["label"] == "さらに読む ⇒ 出典"
                               and b["url"].startswith("https://") for b in buttons)
        sections = [c for c in every if c["type"] == 9]
        assert len(sections) == len(buttons)
        # the Q&A thread on the post, as with embeds
        thread = await w.sent(lambda: w.fake.channels.get(int(post["id"])))
        replies = await w.sent(lambda: len(w.fake.messages_in(int(thread["id"]))) >= 3
                               and w.fake.messages_in(int(thread["id"])))
        assert any("❓" in embeds_text(m) for m in replies)
        sends = [c.json for c in w.fake.calls_to("POST", "/channels/*/messages")]
        assert all(body["allowed_mentions"]["parse"] == [] for body in sends)
        assert failures(w.fake) == []


# --------------------------------------------------------------------------- forums


async def subscribe_forum(w: World) -> int:
    """A manager subscribes from inside a post of the forum (where slash commands run)."""
    forum = w.guild.forum_channel_id
    asking = w.fake.add_forum_post(forum, "Bot setup", "Where should updates go?")
    await w.fake.wait_for(lambda: w.adapter.client is not None
                          and w.adapter.client.get_channel(int(asking["id"])))
    inter = await w.slash("subscribe", {"lang": "en"}, channel_id=int(asking["id"]),
                          permissions=MANAGE)
    assert "Subscribed" in inter.followups[0]["content"]
    return forum


def forum_posts(w: World, forum: int) -> list[dict[str, Any]]:
    return [c for c in w.fake.channels.values() if c.get("parent_id") == str(forum)
            and c.get("owner_id") == str(w.fake.bot_id)]


async def test_a_forum_post_is_tagged_with_its_kind_and_the_tag_created_when_missing(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db, components_v2=True) as w:
        forum = w.guild.forum_channel_id
        w.fake.grant(forum, Perm.MANAGE_CHANNELS)
        await subscribe_forum(w)
        post = (await w.sent(lambda: forum_posts(w, forum)))[0]
        await settled(w)
        tags = {t["id"]: t["name"] for t in w.fake.channels[forum]["available_tags"]}
        assert tags and set(tags.values()) <= TAG_NAMES
        assert len(set(tags.values())) == len(tags)  # never the same tag twice
        assert post["applied_tags"] and set(post["applied_tags"]) <= set(tags)
        assert w.fake.calls_to("PATCH", f"/channels/{forum}")
        starter = w.fake.message(int(post["id"]))
        assert starter is not None and starter["flags"] & V2  # the V2 layout as starter
        assert "🕊" in layout_text(starter)
        assert len(w.fake.messages_in(int(post["id"]))) >= 3  # the Q&A inside the post
        assert failures(w.fake) == []


async def test_without_manage_channels_forum_posts_go_out_untagged_logged_once(
        tmp_path: Path, polled_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="bot.platforms.discord.forum")
    async with world(tmp_path, polled_db) as w:
        await subscribe_forum(w)
        forum = w.guild.forum_channel_id
        await w.sent(lambda: forum_posts(w, forum))
        await settled(w)
        posts = forum_posts(w, forum)
        assert posts and all(p["applied_tags"] == [] for p in posts)
        assert w.fake.channels[forum]["available_tags"] == []
        assert not w.fake.calls_to("PATCH", f"/channels/{forum}")
    untagged = [r for r in caplog.records if "untagged" in r.getMessage()]
    assert len(untagged) == 1 and "Manage Channels" in untagged[0].getMessage()


# --------------------------------------------------------------------------- announcements


async def subscribe_news(w: World) -> int:
    news = int(w.fake.add_channel(w.guild.id, "ceasefire-news", channel_type=5)["id"])
    await w.fake.wait_for(lambda: w.adapter.client is not None
                          and w.adapter.client.get_channel(news))
    await w.slash("subscribe", {"lang": "en"}, channel_id=news, permissions=MANAGE)
    return news


@pytest.mark.parametrize("days_later", [1, 365])
async def test_an_update_in_an_announcement_channel_is_published(
        tmp_path: Path, polled_db: Path, days_later: int) -> None:
    async with world(tmp_path, polled_db, components_v2=True) as w:
        w.clock.advance(days=days_later)
        news = int(w.fake.add_channel(w.guild.id, "ceasefire-news", channel_type=5)["id"])
        w.fake.grant(news, Perm.MANAGE_MESSAGES)
        await w.fake.wait_for(lambda: w.adapter.client is not None
                              and w.adapter.client.get_channel(news))
        await w.slash("subscribe", {"lang": "en"}, channel_id=news, permissions=MANAGE)
        post = (await w.sent(lambda: [m for m in bot_posts(w.fake, news)
                                      if m["flags"] & CROSSPOSTED]))[0]
        assert post["flags"] & V2 and "Read more ⇒" in {
            c.get("label") for c in walk(post["components"])}
        await settled(w)
        assert len(w.fake.calls_to("POST", f"/channels/{news}/messages/*/crosspost")) == 1
        thread = w.fake.channels[int(post["id"])]
        assert thread["type"] == 10  # an announcement thread carries the Q&A
        assert not [m for m in bot_posts(w.fake, news) if "Manage Messages" in m["content"]]
        assert failures(w.fake) == []
        # a send retried after a crash finds its message by nonce; publishing it again is
        # refused by Discord (40033) and the send still succeeds
        later = UpdatePost(1, "Talks resume in Istanbul", ("Delegations met again.",),
                           ("Harbor Wire",), w.clock.now(), "en")
        first = await w.adapter.send(Target(str(news)), later, key="retried-update")
        again = await w.adapter.send(Target(str(news)), later, key="retried-update")
        assert again.message_id == first.message_id
        assert w.fake.message(int(first.message_id))["flags"] & CROSSPOSTED  # type: ignore[index]
        assert [e.response["code"] for e in failures(w.fake)] == [40033]


async def test_without_manage_messages_the_update_is_posted_and_the_channel_told_once(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        news = await subscribe_news(w)
        post = await w.sent(lambda: [m for m in bot_posts(w.fake, news) if m["embeds"]])
        await settled(w)
        notices = [m for m in bot_posts(w.fake, news) if "Manage Messages" in m["content"]]
        assert len(notices) == 1 and "not published" in notices[0]["content"]
        assert not post[0]["flags"] & CROSSPOSTED
        assert w.fake.calls_to("POST", f"/channels/{news}/messages/*/crosspost") == []
        # a later update: posted, still unpublished, and no second notice
        before = len(bot_posts(w.fake, news))
        later = UpdatePost(1, "Talks resume in Istanbul", ("Delegations met again.",),
                           ("Harbor Wire",), w.clock.now(), "en")
        await w.adapter.send(Target(str(news)), later, key="later-update")
        posts = bot_posts(w.fake, news)
        assert len(posts) == before + 1 and not posts[-1]["flags"] & CROSSPOSTED
        assert len([m for m in posts if "Manage Messages" in m["content"]]) == 1
        assert failures(w.fake) == []


async def test_a_user_install_cannot_change_the_feeds_of_a_server_without_the_bot(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db, guild_ids=[]) as w:
        elsewhere = w.fake.add_guild("Another server", with_bot=False)
        inter = await w.slash("sources", {"action": "add", "feed": "https://example.org/rss"},
                              channel_id=elsewhere.text_channel_id,
                              permissions=MANAGE | Perm.USE_EXTERNAL_APPS)
        [refusal] = inter.followups
        assert refusal["flags"] & 64 and "server that added the bot" in refusal["content"]
        listed = await w.slash("sources", channel_id=elsewhere.text_channel_id,
                               permissions=MANAGE | Perm.USE_EXTERNAL_APPS)
        assert listed.followups and not listed.followups[0]["flags"] & 64


async def test_a_paused_announcement_channel_is_told_about_manage_messages_too(
        tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db) as w:
        news = int(w.fake.add_channel(w.guild.id, "ceasefire-news", channel_type=5)["id"])
        w.fake.deny(news, "create_thread")
        await w.fake.wait_for(lambda: w.adapter.client is not None
                              and w.adapter.client.get_channel(news))
        await w.slash("subscribe", {"lang": "en"}, channel_id=news, permissions=MANAGE)
        found = await w.sent(lambda: [m for m in bot_posts(w.fake, news)
                                      if "paused" in (m.get("content") or "")])
        assert "Create Public Threads" in found[0]["content"]
        assert "Manage Messages" in found[0]["content"]


async def test_a_user_installed_ask_in_a_group_dm(tmp_path: Path, polled_db: Path) -> None:
    async with world(tmp_path, polled_db, guild_ids=[]) as w:
        dave, erin = w.fake.add_user("dave"), w.fake.add_user("erin")
        group = int(w.fake.add_group_dm(dave, erin)["id"])
        inter = await w.slash("ask", {"question": "What was agreed in Jeddah?"},
                              channel_id=group, user=dave)
        assert inter.payload["context"] == 2
        assert inter.payload["authorizing_integration_owners"] == {"1": dave["id"]}
        assert "[1]" in embeds_text(inter.followups[0])
        assert w.fake.calls_to("POST", f"/channels/{group}/*") == []
        assert failures(w.fake) == []
