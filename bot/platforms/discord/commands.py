"""The slash commands, built from the command registry: en + ja descriptions (command
localisations), typed options with their choices.

Every command callback does the same thing: hand the interaction to ``on_command``, which
translates its raw data (see ``translate.interaction_request``); the typed option values
travel in the request. The callbacks only declare the options Discord shows.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Choice, locale_str

from bot.commands import Command, Permission, Registry, Text

OnCommand = Callable[[discord.Interaction], Awaitable[None]]


def _t(text: Text) -> locale_str:
    return locale_str(text.en, ja=text.ja)


class Localiser(app_commands.Translator):
    """Japanese from the ``ja`` extra of each ``locale_str``; other locales use English."""

    async def translate(self, string: locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        if locale is discord.Locale.japanese:
            return string.extras.get("ja")
        return None


def _callback(command: Command,
              on_command: OnCommand) -> Callable[..., Coroutine[Any, Any, None]]:
    """A callback whose signature declares ``command``'s options (discord.py reads the
    schema from the signature), described and with choices as the registry says."""

    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await on_command(interaction)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    for arg in command.arguments:
        parameters.append(inspect.Parameter(
            arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=str if arg.required
            else str | None, default=inspect.Parameter.empty if arg.required else None))
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__name__ = callback.__qualname__ = command.name
    described = app_commands.describe(**{a.name: _t(a.description)
                                         for a in command.arguments})(callback)
    choices = {a.name: [Choice(name=_t(c.label), value=c.value) for c in a.choices]
               for a in command.arguments if a.choices}
    return app_commands.choices(**choices)(described) if choices else described


def installs_for(command: Command) -> tuple[app_commands.AppInstallationType,
                                              app_commands.AppCommandContext]:
    """Where a command may be installed and used. Commands anyone may run (``ask``,
    ``latest``, ``timeline``...) work from a user install too: in any server, the bot's DM
    and group DMs. Channel managers' commands (``subscribe``, ``unsubscribe``) need the
    server to have added the bot (it posts there), so: guild install, server or bot DM."""
    if command.permission is Permission.MANAGERS:
        return (app_commands.AppInstallationType(guild=True, user=False),
                app_commands.AppCommandContext(guild=True, dm_channel=True,
                                               private_channel=False))
    return (app_commands.AppInstallationType(guild=True, user=True),
            app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=True))


def build_commands(on_command: OnCommand,
                   registry: Registry) -> list[app_commands.Command[Any, ..., None]]:
    """One slash command per listed command of ``registry``, each calling ``on_command``."""
    built: list[app_commands.Command[Any, ..., None]] = []
    for command in registry:
        installs, contexts = installs_for(command)
        built.append(app_commands.Command(
            name=command.name, description=_t(command.description),
            callback=_callback(command, on_command), allowed_installs=installs,
            allowed_contexts=contexts))
    return built


async def build_tree(client: discord.Client, on_command: OnCommand,
                     registry: Registry) -> app_commands.CommandTree:
    tree: app_commands.CommandTree = app_commands.CommandTree(client)
    for command in build_commands(on_command, registry):
        tree.add_command(command)
    await tree.set_translator(Localiser())
    return tree


async def sync_tree(tree: app_commands.CommandTree, guild_ids: tuple[int, ...]) -> None:
    """Sync to the configured guilds (globals copied there: instant) or globally."""
    if not guild_ids:
        await tree.sync()
        return
    for guild_id in guild_ids:
        guild = discord.Object(id=guild_id)
        tree.copy_global_to(guild=guild)
        await tree.sync(guild=guild)
