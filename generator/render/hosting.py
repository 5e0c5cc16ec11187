"""Files for the static hosts a site is published to (docs/publishing.md).

``_headers`` is read by Cloudflare Pages (and Netlify) and is not served itself. It lets any
website read the JSON API, the feeds, the badges and ``embed.js``, as GitHub Pages already allows
for every file it serves: the company's main site calls the status site from another origin.
Everything on a status site is public, so allowing every origin exposes nothing.
"""

from __future__ import annotations

from generator.render.context import RenderContext

HEADERS = """\
# Read by Cloudflare Pages (and Netlify); written by statusgen.
/*
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff
"""


def render_hosting(ctx: RenderContext) -> None:
    """Write ``_headers``, so a second host sends the same CORS header as GitHub Pages."""
    ctx.files.add("_headers", HEADERS)
