"""Status badges (``badge.svg``, ``components/<id>/badge.svg``) and ``favicon.svg``.

A badge is shields-style: a grey label and a coloured message with the status in words, so it
reads in a README, a wiki or a dashboard without a script. Colour never carries the meaning
alone: the words do, and ``<title>``/``aria-label`` give screen readers the same sentence.
The SVG is built with ElementTree, which escapes names from site.yaml.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.render.context import RenderContext
from generator.statuses import COLOURS, COMPONENT, INDICATOR, Status

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)

LABEL_COLOUR = "#555"

# Approximate advance widths (px) of 11px Verdana, the shields font: enough to size the box.
_NARROW = set("fijlrt.,:;'!|() ")
_WIDE = set("mwMW@%")


def text_width(text: str) -> int:
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 4.0
        elif char in _WIDE:
            width += 10.5
        elif char.isupper() or char.isdigit():
            width += 7.8
        else:
            width += 6.8
    return round(width)


def badge_svg(label: str, message: str, colour: str) -> bytes:
    """A two-part badge, ``label | message``, 20px high."""
    left = text_width(label) + 12
    right = text_width(message) + 12
    total = left + right
    title = f"{label}: {message}"
    svg = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "width": str(total),
            "height": "20",
            "viewBox": f"0 0 {total} 20",
            "role": "img",
            "aria-label": title,
        },
    )
    ET.SubElement(svg, f"{{{SVG_NS}}}title").text = title
    ET.SubElement(
        ET.SubElement(svg, f"{{{SVG_NS}}}clipPath", {"id": "r"}),
        f"{{{SVG_NS}}}rect",
        {"width": str(total), "height": "20", "rx": "3"},
    )
    group = ET.SubElement(svg, f"{{{SVG_NS}}}g", {"clip-path": "url(#r)"})
    ET.SubElement(
        group, f"{{{SVG_NS}}}rect", {"width": str(left), "height": "20", "fill": LABEL_COLOUR}
    )
    ET.SubElement(
        group,
        f"{{{SVG_NS}}}rect",
        {"x": str(left), "width": str(right), "height": "20", "fill": colour},
    )
    texts = ET.SubElement(
        svg,
        f"{{{SVG_NS}}}g",
        {
            "fill": "#fff",
            "text-anchor": "middle",
            "font-size": "11",
            "font-family": "Verdana,Geneva,DejaVu Sans,sans-serif",
            "aria-hidden": "true",
        },
    )
    ET.SubElement(texts, f"{{{SVG_NS}}}text", {"x": str(left / 2), "y": "14"}).text = label
    ET.SubElement(
        texts, f"{{{SVG_NS}}}text", {"x": str(left + right / 2), "y": "14"}
    ).text = message
    return ET.tostring(svg, encoding="utf-8", xml_declaration=False) + b"\n"


def favicon_svg(indicator: str) -> bytes:
    """The overall status as a 16px icon: a coloured circle whose mark tells the status."""
    status = INDICATOR[indicator]
    svg = ET.Element(
        f"{{{SVG_NS}}}svg",
        {"viewBox": "0 0 16 16", "role": "img", "aria-label": status.badge},
    )
    ET.SubElement(svg, f"{{{SVG_NS}}}title").text = status.badge
    ET.SubElement(
        svg,
        f"{{{SVG_NS}}}circle",
        {"cx": "8", "cy": "8", "r": "8", "fill": COLOURS[status.shape]},
    )
    # Each shape's mark, as the theme's sprite draws it (base.html).
    marks = {
        "ok": ("M4.5 8.5l2.3 2.3 4.7-5", "stroke"),
        "mt": ("M5 5h6v2H9v4H7V7H5z", "fill"),
        "dg": ("M7 4h2v5H7zm0 6h2v2H7z", "fill"),
        "po": ("M4 7h8v2H4z", "fill"),
        "mo": ("M5 5l6 6M11 5l-6 6", "stroke"),
    }
    path, paint = marks[status.shape]
    attributes = {"d": path}
    if paint == "stroke":
        attributes.update({"stroke": "#fff", "stroke-width": "2", "fill": "none"})
    else:
        attributes["fill"] = "#fff"
    ET.SubElement(svg, f"{{{SVG_NS}}}path", attributes)
    return ET.tostring(svg, encoding="utf-8", xml_declaration=False) + b"\n"


def status_badge(label: str, status: Status) -> bytes:
    """A badge saying ``status`` in its words and its shape's colour."""
    return badge_svg(label, status.badge, COLOURS[status.shape])


def render_badges(ctx: RenderContext) -> None:
    indicator = ctx.facts.indicator
    ctx.files.add("badge.svg", status_badge(ctx.site.name, INDICATOR[indicator]))
    for component in ctx.site.all_components:
        status = COMPONENT[ctx.facts.component_status[component.id]]
        ctx.files.add(f"components/{component.id}/badge.svg", status_badge(component.name, status))
    ctx.files.add("favicon.svg", favicon_svg(indicator))
