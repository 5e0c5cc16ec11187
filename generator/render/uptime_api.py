"""``api/uptime.json``: the 90-day uptime figures for dashboards (SPEC section 6).

Percentages are 0-100, rounded to four decimals; days are the site's local days, oldest first.
A day with no data (before the component's ``since``) has ``"uptime": null`` and zero minutes;
so does a component's 90-day ``uptime`` when none of its days is counted.
"""

from __future__ import annotations

import json
from typing import Any

from generator.render.context import RenderContext
from generator.uptime import ComponentUptime

DECIMALS = 4


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _minutes(seconds: float) -> int | float:
    """Whole minutes as an integer; a part minute to two decimals."""
    minutes = round(seconds / 60, 2)
    return int(minutes) if minutes == int(minutes) else minutes


def uptime_document(ctx: RenderContext) -> dict[str, Any]:
    components = []
    for component in ctx.site.all_components:
        figures: ComponentUptime = ctx.facts.uptime[component.id]
        components.append(
            {
                "id": component.id,
                "name": component.name,
                "uptime": _percent(figures.uptime),
                "days": [
                    {
                        "date": day.day.isoformat(),
                        "uptime": _percent(day.uptime),
                        "major_outage_minutes": _minutes(day.major.total_seconds()),
                        "partial_outage_minutes": _minutes(day.partial.total_seconds()),
                    }
                    for day in figures.days
                ],
            }
        )
    return {"components": components}


def render_uptime_api(ctx: RenderContext) -> None:
    ctx.files.add(
        "api/uptime.json", json.dumps(uptime_document(ctx), indent=2, ensure_ascii=False) + "\n"
    )
