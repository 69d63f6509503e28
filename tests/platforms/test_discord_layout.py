"""Issue 16's pure Discord pieces: the V2 update layout (caps, trimming, inert text, the
fake's rules), development kinds, the follow-up limit of user installs, the install
contexts of each command, and the user-install link."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest
import yarl
from hypothesis import given, settings

from bot.model import Briefing, SourceCard, UpdatePost
from bot.platforms.commands import commands_or_default
from bot.platforms.discord.commands import installs_for
from bot.platforms.discord.installs import within_follow_up_limit
from bot.platforms.discord.invite import invite_url
from bot.platforms.discord.layout import (
    ACTION_ROW_RESERVE,
    MAX_COMPONENTS,
    MAX_TEXT,
    as_v2,
    component_count,
    text_length,
    update_components,
    walk,
)
from bot.platforms.discord.render import Message, render
from bot.text.kinds import kind_of
from tests.fakes.discord_fake import DiscordError, _check_components
from tests.platforms.inert_checks import OK_URL, discord_live, invisible
from tests.platforms.test_inert_text import HOSTILE_TEXT, SNEAKY

ZONE = ZoneInfo("Asia/Tokyo")
WHEN = datetime(2025, 8, 18, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]


def post(n_sources: int = 3, *, lang: str = "en", text: str = "Talks resume in Istanbul",
         url: str = OK_URL, points: tuple[str, ...] = ("Delegations met.",)) -> UpdatePost:
    links = tuple((f"Outlet {i}", url) for i in range(n_sources))
    return UpdatePost(1, text, points, tuple(o for o, _ in links), WHEN, lang,  # type: ignore[arg-type]
                      coverage="3 outlets · ja 1 / en 2", links=links)


def payload(p: UpdatePost) -> dict[str, Any]:
    return as_v2(render(p, zone=ZONE)[0], p, ZONE).payload()


def test_a_v2_post_is_one_container_with_a_read_more_button_per_source() -> None:
    body = payload(post(3))
    assert body["flags"] == 1 << 15 and "content" not in body and "embeds" not in body
    assert body["allowed_mentions"] == {"parse": []}
    [container] = body["components"]
    assert container["type"] == 17 and container["accent_color"] == 0x2B6CB0  # talks: blue
    kinds = [c["type"] for c in container["components"]]
    assert kinds == [10, 14, 9, 9, 9, 14, 10]
    buttons = [c for c in walk(body["components"]) if c["type"] == 2]
    assert [(b["style"], b["label"], b["url"]) for b in buttons] == [
        (5, "Read more ⇒", OK_URL)] * 3
    _check_components(body)  # what the fake (and Discord) accept


def test_japanese_posts_say_read_more_in_japanese() -> None:
    body = payload(post(2, lang="ja", text="停戦協議が再開"))
    labels = {c.get("label") for c in walk(body["components"])}
    assert labels == {None, "さらに読む ⇒ 出典"}
    assert "この更新で分かる事" in body["components"][0]["components"][0]["content"]


@pytest.mark.parametrize("n_sources", [0, 1, 9, 10, 30])
def test_sources_are_trimmed_under_the_cap_leaving_room_for_follow_up_buttons(
        n_sources: int) -> None:
    components = update_components(post(n_sources), ZONE)
    assert component_count(components) + ACTION_ROW_RESERVE <= MAX_COMPONENTS
    shown = [c for c in walk(components) if c["type"] == 9]
    more = [c["content"] for c in components[0]["components"]
            if c["type"] == 10 and "more sources" in c["content"]]
    if n_sources > len(shown):
        assert more == [f"+{n_sources - len(shown)} more sources in the thread"]
    else:
        assert more == []
    # a row of four follow-up buttons still fits where the layout says it goes
    row = {"type": 1, "components": [{"type": 2, "style": 2, "label": f"q{i}",
                                      "custom_id": f"followup:{i}"} for i in range(4)]}
    components[0]["components"].append(row)
    _check_components({"flags": 1 << 15, "components": components})


def test_a_follow_up_post_is_orange_and_links_to_the_storys_thread() -> None:
    link = "https://discord.com/channels/1/2/3"
    p = UpdatePost(1, "Talks resume", ("Delegations met.",), ("Harbor Wire",), WHEN, "en",
                   is_followup=True, thread_link=link)
    [container] = update_components(p, ZONE)
    assert container["accent_color"] == 0xDD6B20
    assert container["components"][0]["content"].startswith("### 🕊 Update: Talks resume")
    assert container["components"][-1]["content"].endswith(f"🧵 [See the thread]({link})")


def test_long_key_points_stay_under_the_text_cap() -> None:
    points = tuple("Delegations met and talked at length. " * 40 for _ in range(6))
    components = update_components(post(12, points=points), ZONE)
    assert text_length(components) <= MAX_TEXT
    _check_components({"flags": 1 << 15, "components": components})


def test_huge_feed_text_is_shortened_and_every_source_still_fits() -> None:
    huge = "Talks resume " * 2000
    p = UpdatePost(1, huge, (huge,), (huge,), WHEN, "en",
                   links=tuple((huge, OK_URL) for _ in range(5)))
    components = update_components(p, ZONE)
    assert text_length(components) <= MAX_TEXT
    assert len([c for c in walk(components) if c["type"] == 9]) == 5
    _check_components({"flags": 1 << 15, "components": components})


def test_a_source_without_a_plain_web_address_gets_no_button() -> None:
    components = update_components(post(2, url="javascript:alert(1)"), ZONE)
    assert [c for c in walk(components) if c["type"] == 2] == []


def test_hostile_feed_text_is_inert_in_the_layout() -> None:
    hostile = UpdatePost(1, SNEAKY, (SNEAKY, "@everyone <@&1> says hi"), (SNEAKY,), WHEN, "en",
                         coverage=SNEAKY, links=((SNEAKY, OK_URL), (SNEAKY, "https://ok.example/a)](https://evil")))
    body = payload(hostile)
    for c in walk(body["components"]):
        if c["type"] == 10:
            assert discord_live(c["content"]) == [] and invisible(c["content"]) == [], c
        if c["type"] == 2:
            assert c["url"].startswith("https://ok.example/a") and "(" not in c["url"]


@settings(max_examples=60, deadline=None)
@given(HOSTILE_TEXT)
def test_no_feed_text_renders_a_live_link_or_a_ping_in_a_v2_post(text: str) -> None:
    p = UpdatePost(1, text, (text, text), (text,), WHEN, "en", coverage=text,
                   links=((text, OK_URL),))
    for c in walk(update_components(p, ZONE)):
        if c["type"] == 10:
            assert discord_live(c["content"]) == [] and invisible(c["content"]) == []


def test_briefings_carry_their_sources_links_onto_the_post() -> None:
    card = SourceCard(1, "Harbor Wire", "Talks resume", OK_URL, ("Delegations met.",), WHEN)
    briefing = Briefing(1, "Talks resume", ("Delegations met.",), (), (card,), (),
                        ("Harbor Wire",), WHEN, "en")
    first = briefing.parts()[0]
    assert isinstance(first, UpdatePost) and first.links == (("Harbor Wire", OK_URL),)


@pytest.mark.parametrize(("texts", "kind"), [
    (["Russia and Ukraine swap 84 prisoners of war"], "prisoner_exchange"),
    (["ロシアとウクライナが捕虜交換"], "prisoner_exchange"),
    (["Leaders agree to a 30-day ceasefire"], "ceasefire"),
    (["停戦協議が再開"], "ceasefire"),
    (["Delegations sign an agreement on grain"], "agreement"),
    (["Talks resume in Istanbul"], "talks"),
    (["首脳会談の日程を調整"], "talks"),
    (["Kremlin says it is ready", "The spokesman said so."], "statement"),
    (["Markets open higher", "Trading was calm."], None),
])
def test_a_developments_kind_comes_from_its_headline_first(texts: list[str],
                                                           kind: str | None) -> None:
    assert kind_of(texts) == kind


def _embeds(n: int, size: int = 500) -> list[Message]:
    return [Message(embeds=(discord.Embed(description="x" * size),), in_thread=True)
            for _ in range(n)]


def test_a_user_install_answer_fits_five_follow_ups_and_keeps_its_feedback() -> None:
    first = Message(embeds=(discord.Embed(title="🕊 post"),), thread_title="post")
    rest = _embeds(7)
    last = rest[-1]
    rest[-1] = Message(last.content, last.embeds, 42, True)
    out = within_follow_up_limit([first, *rest], 5)
    assert len(out) <= 5 and out[0] is first
    assert sum(len(m.embeds) for m in out[1:]) == 7  # nothing lost: regrouped
    assert out[-1].feedback_for == 42
    assert within_follow_up_limit([first, *rest], None) == [first, *rest]
    # more than five messages' worth of embeds: what does not fit is dropped from the end
    many = within_follow_up_limit([first, *_embeds(60, 3000)], 5)
    assert len(many) == 5


def test_only_channel_managers_commands_need_the_servers_install() -> None:
    registry = commands_or_default(None)
    everyone = {c.name for c in registry if installs_for(c)[0].user}
    assert {"ask", "latest", "timeline"} <= everyone
    assert "subscribe" not in everyone and "unsubscribe" not in everyone
    ask_installs, ask_contexts = installs_for(registry.command("ask"))  # type: ignore[arg-type]
    assert ask_installs.guild and ask_contexts.guild and ask_contexts.dm_channel \
        and ask_contexts.private_channel


def test_the_user_install_link_asks_for_commands_only() -> None:
    url = yarl.URL(invite_url(1234, user=True))
    assert url.query["client_id"] == "1234" and url.query["integration_type"] == "1"
    assert url.query["scope"] == "applications.commands" and "permissions" not in url.query
    assert "integration_type" not in yarl.URL(invite_url(1234)).query


def test_the_fake_error_is_discords_form_error_shape() -> None:
    with pytest.raises(DiscordError) as refused:
        _check_components({"flags": 1 << 15, "content": "x", "components": []})
    assert refused.value.body()["code"] == 50035


def test_the_cli_prints_the_user_install_link(tmp_path: Path) -> None:
    env = {"CEASEFIRE_BOT_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "DISCORD_APPLICATION_ID": "1234"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "discord", "invite-url", "--user"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == invite_url(1234, user=True)
