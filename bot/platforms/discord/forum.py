"""Forum tags for update posts: one tag per development kind (``bot.text.kinds``).

A post in a forum channel gets the tag of its story's kind. An existing tag whose name is
the kind's name in either language is reused; a missing one is created when the bot may
edit the forum (Manage Channels), else the post goes out untagged and that is logged
once per forum.
"""

from __future__ import annotations

import logging

import discord

from bot.model import UpdatePost
from bot.text.kinds import KIND_NAMES, kind_name, kind_of

log = logging.getLogger(__name__)

#: Discord allows at most 20 tags on a forum.
MAX_TAGS = 20


def _find(forum: discord.ForumChannel, kind: str) -> discord.ForumTag | None:
    names = {name.casefold() for name in KIND_NAMES[kind].values()}
    return next((t for t in forum.available_tags if t.name.casefold() in names), None)


class ForumTagger:
    """Which tags a forum post gets; creates missing tags when permitted."""

    def __init__(self) -> None:
        self._told: set[int] = set()
        #: Tags this process created, by (forum, kind): the forum's cached tag list only
        #: learns them from the CHANNEL_UPDATE that follows, which may come after the next post.
        self._created: dict[tuple[int, str], discord.ForumTag] = {}

    def _untagged_once(self, forum: discord.ForumChannel, why: str) -> None:
        if forum.id not in self._told:
            self._told.add(forum.id)
            log.warning("discord: forum #%s: posting untagged (%s)", forum.name, why)

    async def tags_for(self, forum: discord.ForumChannel,
                       post: UpdatePost | None) -> list[discord.ForumTag]:
        if post is None:
            return []
        kind = kind_of([post.headline, *post.key_points])
        if kind is None:
            return []
        tag = _find(forum, kind) or self._created.get((forum.id, kind))
        if tag is not None:
            return [tag]
        me = forum.guild.me
        if me is None or not forum.permissions_for(me).manage_channels:
            self._untagged_once(forum, "the bot may not create tags: it needs Manage Channels")
            return []
        if len(forum.available_tags) >= MAX_TAGS:
            self._untagged_once(forum, "the forum already has 20 tags")
            return []
        try:
            tag = await forum.create_tag(name=kind_name(kind, post.lang))
        except discord.HTTPException as exc:
            self._untagged_once(forum, f"creating the tag failed: {exc.status} {exc.code}")
            return []
        self._created[(forum.id, kind)] = tag
        log.info("discord: forum #%s: created the tag %r", forum.name, tag.name)
        return [tag]
