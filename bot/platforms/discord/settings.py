"""The ``[discord]`` settings table: Discord's keys, defaults and environment names live
with the platform (light: no discord.py import), so config knows no platform."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr

from config.sections import PlatformSection, Section


class DiscordSettings(Section):
    #: The bot token (env DISCORD_TOKEN); Discord starts when it is set.
    token: SecretStr | None = None
    api_base: str = "https://discord.com/api/v10"
    #: Gateway websocket to connect to instead of Discord's (a gateway proxy; tests).
    gateway_url: str | None = None
    #: For `ceasefire-bot discord invite-url` without a token (env DISCORD_APPLICATION_ID).
    application_id: int | None = None
    #: Sync slash commands to these guilds; empty: global.
    guild_ids: tuple[int, ...] = ()
    #: Answer @mentions and thread replies (needs the Message Content intent).
    mention_answers: bool = True
    #: May also subscribe and unsubscribe (besides Manage Channels).
    manager_role: str | None = None
    #: > 1: AutoShardedClient; split with `run --shard-count N --shard-ids 0,1`.
    shard_count: int = Field(default=1, gt=0)
    shard_ids: tuple[int, ...] | None = None
    thread_auto_archive_minutes: Literal[60, 1440, 4320, 10080] = 1440
    #: Post updates as Components V2 layouts (a container with a "read more" button per
    #: source) instead of embeds. Replies to slash commands and edits stay embeds.
    components_v2: bool = False


SECTION = PlatformSection("discord", DiscordSettings, env={
    "DISCORD_TOKEN": "token",
    "DISCORD_API_BASE": "api_base",
    "DISCORD_APPLICATION_ID": "application_id",
    "DISCORD_GATEWAY_URL": "gateway_url",
})
