"""The invite URL: the bot and its slash commands, with exactly the permissions it uses."""

from __future__ import annotations

import aiohttp
import discord

from bot.errors import ConfigError
from bot.platforms.discord.settings import DiscordSettings

SCOPES = ("bot", "applications.commands")


def needed_permissions() -> discord.Permissions:
    """See channels, post (embeds), open public threads on its posts and reply in them, and
    read recent history (to find a post after a crash, and thread context)."""
    return discord.Permissions(view_channel=True, send_messages=True, embed_links=True,
                               create_public_threads=True, send_messages_in_threads=True,
                               read_message_history=True)


#: OAuth2 ``integration_type``: 0 adds the app to a server, 1 to the user's own account.
GUILD_INSTALL, USER_INSTALL = 0, 1


def invite_url(application_id: int, *, user: bool = False) -> str:
    """The server invite (bot + commands, with the permissions above), or with ``user``
    the user-install link: the commands only, on the person's own account (the portal's
    Installation page must allow User Install)."""
    if user:
        url = discord.utils.oauth_url(application_id, scopes=("applications.commands",))
        return f"{url}&integration_type={USER_INSTALL}"
    return discord.utils.oauth_url(application_id, permissions=needed_permissions(),
                                   scopes=SCOPES)


async def fetch_application_id(settings: DiscordSettings) -> int:
    """Ask Discord (``GET /oauth2/applications/@me``) which application the token belongs to.

    Raises:
        ConfigError: no token, or Discord refused it.
    """
    if settings.token is None:
        raise ConfigError("invalid setting discord.application_id: set DISCORD_APPLICATION_ID "
                          "or DISCORD_TOKEN (the application id is on the Developer Portal's "
                          "General Information page)")
    url = settings.api_base.rstrip("/") + "/oauth2/applications/@me"
    headers = {"Authorization": f"Bot {settings.token.get_secret_value()}"}
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as resp:
        if resp.status != 200:
            raise ConfigError(f"invalid setting discord.token: Discord answered {resp.status} "
                              "when asked for the application")
        data = await resp.json()
    return int(data["id"])
