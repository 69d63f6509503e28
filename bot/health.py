"""Health and metrics: ``/healthz`` and ``/metrics`` (Prometheus text) on an optional port.

Each app owns its own ``CollectorRegistry`` (no global registry, so tests and several apps
in one process do not collide).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

if TYPE_CHECKING:
    from aiohttp import web

    from bot.connections import ConnectionWatch

#: Loop lag buckets: fine below 100 ms (the target), coarse above.
LAG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
               10.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.feeds_polled = Counter("ceasefire_feeds_polled", "Feed polls", registry=r)
        self.fetch_errors = Counter("ceasefire_fetch_errors", "Failed feed fetches", registry=r)
        self.stories = Counter("ceasefire_stories", "New stories", registry=r)
        self.posts_sent = Counter("ceasefire_posts_sent", "Outbox messages sent", registry=r)
        self.posts_failed = Counter("ceasefire_posts_failed",
                                    "Outbox messages failed for good", registry=r)
        self.outbox_depth = Gauge("ceasefire_outbox_depth", "Messages waiting", registry=r)
        self.leader = Gauge("ceasefire_leader",
                            "1 while this process is the leader (polls, schedules)", registry=r)
        self.platform_connected = Gauge(
            "ceasefire_platform_connected",
            "1 while the platform's connection is up, 0 while it is down", ["platform"],
            registry=r)
        self.platform_down_seconds = Gauge(
            "ceasefire_platform_down_seconds",
            "How long the platform has been disconnected (0 while connected)", ["platform"],
            registry=r)
        self.answer_latency = Histogram("ceasefire_answer_latency_seconds",
                                        "Time to answer a request", registry=r)
        self.loop_lag = Histogram("ceasefire_event_loop_lag_seconds",
                                  "How late the event loop ran a timer (time it was busy)",
                                  buckets=LAG_BUCKETS, registry=r)
        self.pruned = Counter("ceasefire_pruned_rows",
                              "Delivered outbox rows and answer logs past retention, deleted",
                              registry=r)

    def on_sent(self, _worker: str, ok: bool) -> None:
        (self.posts_sent if ok else self.posts_failed).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def on_connections(self, details: dict[str, Any]) -> None:
        for name, state in details.items():
            self.platform_connected.labels(platform=name).set(1 if state["connected"] else 0)
            self.platform_down_seconds.labels(platform=name).set(state["down_seconds"])


@asynccontextmanager
async def serve_health(port: int, metrics: Metrics, *,
                       fetch_depth: Callable[[], Awaitable[int]],
                       connections: ConnectionWatch | None = None,
                       host: str = "127.0.0.1") -> AsyncIterator[int]:
    """Serve ``/healthz`` and ``/metrics`` until the context exits. Yields the port.

    ``/healthz`` answers 503 while a platform has been disconnected for longer than the
    watch's grace period, naming it."""
    from aiohttp import web  # the web server only where a port is set (stop 42)

    from bot.listen import start_site

    def report() -> tuple[bool, dict[str, Any]]:
        if connections is None:
            return True, {}
        healthy, details = connections.report()
        metrics.on_connections(details)
        return healthy, details

    async def healthz(request: web.Request) -> web.Response:
        healthy, details = report()
        return web.json_response({"ok": healthy, "platforms": details},
                                 status=200 if healthy else 503)

    async def render(request: web.Request) -> web.Response:
        report()
        metrics.outbox_depth.set(await fetch_depth())
        return web.Response(body=metrics.render(),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.add_routes([web.get("/healthz", healthz), web.get("/metrics", render)])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    bound = await start_site(runner, host=host, port=port, host_key="health.host",
                             port_key="health.port")
    try:
        yield bound
    finally:
        await runner.cleanup()
