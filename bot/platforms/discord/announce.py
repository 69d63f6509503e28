"""Announcement channels: publish (crosspost) each update so servers following the
channel receive it too.

Publishing is tried only with Manage Messages in the channel (what the bot's role is told
to hold there); without it, or when Discord refuses, the update stays posted and the
channel is told once (per process) which permission is missing, in the post's language.
"""

from __future__ import annotations

import logging
from typing import TypeGuard

import discord

from bot.platforms.discord.errors import NEEDED
from bot.platforms.discord.escape import inert

log = logging.getLogger(__name__)

NONE = discord.AllowedMentions.none()
#: Discord's error code for publishing a message a second time.
ALREADY_CROSSPOSTED = 40033

NOTICE = {
    "en": ("Updates in #{channel} are posted but not published to the servers that follow "
           "it: the bot is missing the {permission} permission here; grant it to the bot's "
           "role to publish them."),
    "ja": ("#{channel} への更新は投稿されていますが、フォローしているサーバーには公開されて"
           "いません。このチャンネルでボットに「{permission}」(メッセージの管理)の権限が"
           "ありません。ボットのロールに付与すると公開されます。"),
}


def is_announcement(channel: object) -> TypeGuard[discord.TextChannel]:
    return isinstance(channel, discord.TextChannel) and channel.is_news()


def notice_text(channel: str, lang: str) -> str:
    return NOTICE.get(lang, NOTICE["en"]).format(channel=inert(channel),
                                                 permission=NEEDED["manage_messages"])


class Publisher:
    """Crossposts posts in announcement channels; tells a channel once when it cannot."""

    def __init__(self) -> None:
        self._told: set[int] = set()

    def may_publish(self, channel: discord.TextChannel) -> bool:
        me = channel.guild.me
        return me is not None and channel.permissions_for(me).manage_messages

    async def publish(self, channel: discord.TextChannel, message: discord.Message,
                      lang: str) -> bool:
        """Publish ``message``; returns whether it is published. Never raises for
        Discord's answer: the post is out either way, and a retry of the send (which finds
        the same message by its nonce) must not fail on publishing it twice."""
        if self.may_publish(channel):
            try:
                await message.publish()
                return True
            except discord.Forbidden:
                log.info("discord: Discord refused to publish in #%s", channel.name)
            except discord.HTTPException as exc:
                if exc.code == ALREADY_CROSSPOSTED:
                    return True
                log.warning("discord: publishing in #%s failed (%s %s); the update stays "
                            "posted", channel.name, exc.status, exc.code)
                return False
        await self._tell(channel, lang)
        return False

    async def _tell(self, channel: discord.TextChannel, lang: str) -> None:
        if channel.id in self._told:
            return
        self._told.add(channel.id)
        log.warning("discord: #%s is an announcement channel but the bot lacks Manage "
                    "Messages there; updates are not published", channel.name)
        try:
            await channel.send(content=notice_text(channel.name, lang), allowed_mentions=NONE)
        except discord.HTTPException as exc:
            log.warning("discord: could not tell #%s (%s %s)", channel.name, exc.status,
                        exc.code)
