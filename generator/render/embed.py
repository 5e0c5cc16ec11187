"""``embed.js``: the banner script a company's main site includes (SPEC section 7).

It is a theme template, so a site can restyle or reword it; its strings go through ``_()``.
"""

from __future__ import annotations

from generator.render.context import RenderContext, render_template


def render_embed(ctx: RenderContext) -> None:
    render_template(ctx, "embed.js", "embed.js")
