"""Renderers: each writes one family of output files. :data:`RENDERERS` runs in order."""

from __future__ import annotations

from generator.render import (
    api,
    badges,
    embed,
    feeds,
    hosting,
    ics,
    notifications,
    pages,
    uptime_api,
)
from generator.render.context import Renderer

RENDERERS: list[Renderer] = [
    pages.render_pages,
    feeds.render_feeds,
    api.render_api,
    ics.render_calendar,
    badges.render_badges,
    embed.render_embed,
    hosting.render_hosting,
    uptime_api.render_uptime_api,
    notifications.render_notifications,
]
