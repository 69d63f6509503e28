"""The ``[slack]`` settings table: Slack's keys, defaults and environment names live with
the platform (light: no slack-bolt import), so config knows no platform."""

from __future__ import annotations

from pydantic import Field, SecretStr

from config.sections import PlatformSection, Section


class SlackSettings(Section):
    #: env SLACK_BOT_TOKEN; Slack starts when it is set.
    bot_token: SecretStr | None = None
    #: env SLACK_APP_TOKEN: Socket Mode.
    app_token: SecretStr | None = None
    #: env SLACK_SIGNING_SECRET: HTTP mode.
    signing_secret: SecretStr | None = None
    http_port: int = Field(default=3000, gt=0, lt=65536)
    #: HTTP mode listens on every interface by default: Slack must reach it.
    http_host: str = Field(default="0.0.0.0", min_length=1)
    api_url: str = "https://slack.com/api/"
    #: User ids allowed to subscribe besides workspace admins and owners.
    admin_allowlist: tuple[str, ...] = ()


SECTION = PlatformSection("slack", SlackSettings, env={
    "SLACK_BOT_TOKEN": "bot_token",
    "SLACK_APP_TOKEN": "app_token",
    "SLACK_SIGNING_SECRET": "signing_secret",
    "SLACK_HTTP_PORT": "http_port",
    "SLACK_HTTP_HOST": "http_host",
    "SLACK_API_URL": "api_url",
})
