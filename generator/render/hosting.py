"""Files for the static hosts a site is published to (docs/publishing.md).

``_headers`` is read by Cloudflare Pages (and Netlify) and is not served itself. It lets any
website read the JSON API, the feeds, the badges and ``embed.js``, as GitHub Pages already allows
for every file it serves: the company's main site calls the status site from another origin.
Everything on a status site is public, so allowing every origin exposes nothing.

It also lets browsers keep the shared stylesheet, script and icons (``assets/``, whose names
carry a hash of their bytes: see :data:`generator.render.context.SHARED_ASSETS`) for a year
without asking again: a changed file is a new name, so a cached one is never stale.
"""

from __future__ import annotations

from generator.render.context import RenderContext

HEADERS = """\
# Read by Cloudflare Pages (and Netlify); written by statusgen.
/*
  Access-Control-Allow-Origin: *
  X-Content-Type-Options: nosniff

/assets/*
  Cache-Control: public, max-age=31536000, immutable
"""


def render_hosting(ctx: RenderContext) -> None:
    """Write ``_headers``, so a second host sends the same CORS header as GitHub Pages, and
    caches the hashed assets for good."""
    ctx.files.add("_headers", HEADERS)
