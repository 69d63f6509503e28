"""What Slack allows: a platform fact, kept with the platform (the sender reads it from
the adapter)."""

from __future__ import annotations

from bot.platforms.base import RateLimits

#: Slack chat.postMessage: about 1 message/s per channel, short bursts allowed.
SLACK_LIMITS = RateLimits(None, 1.0, 2, 2.0)
