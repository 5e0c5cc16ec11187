"""statusgen: a static status-site generator.

Comms staff write incidents as Markdown files in git; :func:`generator.build.build` turns them
into a static status site with feeds, a Statuspage-compatible JSON API, badges and an embed
banner.
"""

__version__ = "0.1.0"
