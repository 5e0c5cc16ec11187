"""Renderers: each writes one family of output files. :data:`RENDERERS` runs in order."""

from __future__ import annotations

from generator.render import api, feeds, hosting, pages, uptime_api
from generator.render.site import Renderer

RENDERERS: list[Renderer] = [
    pages.render_pages,
    feeds.render_feeds,
    api.render_api,
    hosting.render_hosting,
    uptime_api.render_uptime_api,
]
