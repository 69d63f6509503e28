"""Files into a channel or thread with ``files.uploadV2`` (getUploadURLExternal → upload
→ completeUploadExternal, as slack_sdk does it). Needs the ``files:write`` scope."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.model import Attachment
from bot.platforms.slack.errors import call_api

log = logging.getLogger(__name__)


async def upload_attachment(client: AsyncWebClient, channel: str, attachment: Attachment, *,
                            thread_ts: str | None) -> str | None:
    """Share ``attachment`` in ``channel`` (in the thread ``thread_ts`` when given).

    Returns:
        The new file's id, or None when the local file is gone (the text was still sent).

    Raises:
        PlatformError: Slack refused a step (``missing_scope`` when files:write is absent).
    """
    try:
        data = await asyncio.to_thread(Path(attachment.path).read_bytes)
    except OSError:
        log.warning("slack: attachment %s is missing; the text went out alone",
                    attachment.filename)
        return None
    response = await call_api("files.uploadV2", client.files_upload_v2(
        channel=channel, thread_ts=thread_ts, file=data, filename=attachment.filename,
        title=attachment.filename, alt_txt=attachment.description or None,
        request_file_info=False))
    uploaded = response.get("file") or {}
    return str(uploaded.get("id")) if uploaded.get("id") else None
