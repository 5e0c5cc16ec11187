"""Messages for each platform, from one event, in the site's language.

A reader understands a message without clicking: the incident's title, its status word, the
affected components with their status, the update's text in the platform's own format, the
promised next update in the site's zone, and the link. :func:`compose` words the message
once; ``slack``, ``discord``, ``teams``, ``webhook`` and ``email`` lay it out for each
platform. Text from the content is escaped for every platform (see :mod:`.markup`).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from generator.markdown import render_markdown
from generator.model import NotifyChannel, Site
from generator.notify import events as kinds
from generator.notify import markup
from generator.notify.published import EventList, PublishedEvent
from generator.render.formatting import Formatter
from generator.render.i18n import N_, site_title, status_words, translate

# What the message says beside the update's own text, by event type.
SUMMARIES = {
    kinds.MAINTENANCE_SOON: N_("Scheduled maintenance begins within the hour, at %(time)s."),
    kinds.MAINTENANCE_STARTED: N_("Scheduled maintenance has begun."),
    kinds.MAINTENANCE_ENDED: N_("Scheduled maintenance has ended."),
    kinds.UPDATE_DUE: N_("Team reminder: the next update is due at %(time)s."),
    kinds.UPDATE_OVERDUE: N_(
        "Team reminder: the update promised for %(time)s is overdue. Post one now."
    ),
    kinds.SILENT: N_(
        "Team reminder: no update for %(duration)s on this unresolved incident. "
        "Say what is known, even if there is no news."
    ),
}
AFFECTED = N_("Affected components")
NEXT_UPDATE = N_("Next update by %(time)s")
WINDOW = N_("Scheduled for %(start)s until %(end)s")
MORE = N_("More on %(site)s")
EMAIL_FOOTER = N_("You receive this because you subscribed to updates from %(site)s.")

# Colours by status: red while investigating, amber once identified, yellow while monitoring,
# green when resolved, blue for maintenance.
_RED, _AMBER, _YELLOW, _GREEN, _BLUE = 0xD93025, 0xE8710A, 0xF9AB00, 0x188038, 0x1A73E8
COLORS = {
    "investigating": _RED,
    "identified": _AMBER,
    "monitoring": _YELLOW,
    "resolved": _GREEN,
    "postmortem": _GREEN,
    "scheduled": _BLUE,
    "in_progress": _BLUE,
    "verifying": _BLUE,
    "completed": _GREEN,
}
TEAMS_COLORS = {_RED: "Attention", _AMBER: "Warning", _YELLOW: "Warning", _GREEN: "Good"}

_UNRESOLVED = ("investigating", "identified", "monitoring")

# Platform limits, with room to spare.
SLACK_SECTION = 3000
SLACK_HEADER = 150
DISCORD_TITLE = 256
DISCORD_DESCRIPTION = 3500  # an embed holds 6,000 characters in all
DISCORD_FIELD = 1024
TEAMS_TEXT = 12000  # a Teams message holds about 28 KB


@dataclass(frozen=True)
class Message:
    """One event, worded for readers; platform-neutral (plain text and Markdown)."""

    event: PublishedEvent
    site_title: str
    title: str
    url: str
    status: str  # the status key
    status_word: str
    summary: str  # plain text: what a clock or team event says ("" for an update)
    window: str  # plain text: a maintenance's window ("" otherwise)
    components: tuple[tuple[str, str], ...]  # (name, status word)
    body: str  # the update's Markdown ("" for clock and team events)
    next_update: str  # plain text ("" when nothing is promised)
    more: str  # the link's text
    affected_label: str
    footer: str


def compose(event: PublishedEvent, site: Site, now: datetime) -> Message:
    """Word ``event`` in the site's language and zone."""
    language = site.language
    fmt = Formatter(site.timezone, language)

    def word(status: str) -> str:
        return status_words(language).get(status, status)

    incident = event.incident
    summary = ""
    if event.type in SUMMARIES:
        at = event.promised or _time(incident.get("scheduled_for")) or event.time
        duration = fmt.duration_text(now - (event.time - site.max_silence))
        summary = translate(
            language,
            SUMMARIES[event.type],
            time=fmt.datetime_text(at),
            duration=duration,
        )
    window = ""
    start, end = _time(incident.get("scheduled_for")), _time(incident.get("scheduled_until"))
    if incident.get("maintenance") and start and end:
        window = translate(
            language, WINDOW, start=fmt.datetime_text(start), end=fmt.datetime_text(end)
        )
    promised = _time(incident.get("next_update"))
    next_update = ""
    about_promise = event.type in (kinds.UPDATE_DUE, kinds.UPDATE_OVERDUE)
    if promised is not None and not about_promise and event.status in _UNRESOLVED:
        next_update = translate(language, NEXT_UPDATE, time=fmt.datetime_text(promised))
    title = site_title(site)
    return Message(
        event=event,
        site_title=title,
        title=_one_line(str(incident.get("title", ""))),
        url=str(incident.get("url", site.url)),
        status=event.status,
        status_word=word(event.status),
        summary=summary,
        window=window,
        components=tuple((c["name"], word(c["status"])) for c in event.components),
        body=str(event.update["body"]) if event.update else "",
        next_update=next_update,
        more=translate(language, MORE, site=title),
        affected_label=translate(language, AFFECTED),
        footer=translate(language, EMAIL_FOOTER, site=title),
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- Slack ---------------------------------------------------------------------------------


def slack(message: Message) -> dict[str, Any]:
    """An incoming-webhook payload: Block Kit blocks and a plain ``text`` fallback (shown in
    notifications and by clients without blocks)."""
    from slack_sdk.models.blocks import ContextBlock, SectionBlock

    d = markup.SLACK
    # The title in mrkdwn, escaped: Slack documents exactly which characters it parses there.
    lines = [f"*{d.escape(markup.clip(message.title, SLACK_HEADER))}*"]
    lines.append(f"*{d.escape(message.status_word)}*")
    lines += [d.escape(text) for text in (message.summary, message.window) if text]
    lines += [f"• {d.escape(name)}: {d.escape(word)}" for name, word in message.components]
    blocks: list[Any] = [SectionBlock(text=_mrkdwn(markup.clip("\n".join(lines), SLACK_SECTION)))]
    if message.body:
        body = markup.convert(message.body, d, message.url)
        blocks.append(SectionBlock(text=_mrkdwn(markup.clip(body, SLACK_SECTION))))
    context = [d.escape(message.next_update)] if message.next_update else []
    context.append(d.link(d.escape(message.more), message.url))
    blocks.append(ContextBlock(elements=[_mrkdwn(" · ".join(context))]))
    fallback = f"{message.title}: {message.status_word}"
    if message.summary:
        fallback += f". {message.summary}"
    return {
        "text": d.escape(fallback),
        "blocks": [block.to_dict() for block in blocks],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _mrkdwn(text: str) -> Any:
    from slack_sdk.models.blocks import MarkdownTextObject

    # verbatim: Slack turns no bare names, channels or URLs into mentions or links.
    return MarkdownTextObject(text=text, verbatim=True)


# -- Discord -------------------------------------------------------------------------------


def discord(message: Message) -> dict[str, Any]:
    """An execute-webhook payload: one embed. ``allowed_mentions`` is empty, so nothing in
    the text (``@everyone``, a user or role) can ping anyone."""
    d = markup.DISCORD
    parts = [f"**{d.escape(message.status_word)}**"]
    parts += [d.escape(text) for text in (message.summary, message.window) if text]
    if message.body:
        parts.append(markup.convert(message.body, d, message.url))
    if message.next_update:
        parts.append(f"_{d.escape(message.next_update)}_")
    embed: dict[str, Any] = {
        "title": markup.clip(d.escape(message.title), DISCORD_TITLE),
        "url": message.url,
        "description": markup.clip("\n\n".join(parts), DISCORD_DESCRIPTION),
        "color": COLORS.get(message.status, _BLUE),
        "timestamp": message.event.time.isoformat(),
        "footer": {"text": markup.clip(message.site_title, 200)},
        "fields": [],
    }
    if message.components:
        value = "\n".join(f"{d.escape(n)}: {d.escape(w)}" for n, w in message.components)
        embed["fields"].append(
            {
                "name": markup.clip(message.affected_label, 256),
                "value": markup.clip(value, DISCORD_FIELD),
                "inline": False,
            }
        )
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}


# -- Microsoft Teams -----------------------------------------------------------------------


def teams(message: Message) -> dict[str, Any]:
    """A message for a Teams Workflows webhook: one Adaptive Card (version 1.4)."""
    d = markup.TEAMS

    def text(value: str, **style: Any) -> dict[str, Any]:
        return {"type": "TextBlock", "text": value, "wrap": True, **style}

    color = TEAMS_COLORS.get(COLORS.get(message.status, _BLUE), "Accent")
    body: list[dict[str, Any]] = [
        text(d.escape(message.title), size="Large", weight="Bolder"),
        text(d.escape(message.status_word), weight="Bolder", color=color, spacing="Small"),
    ]
    body += [text(d.escape(line)) for line in (message.summary, message.window) if line]
    if message.components:
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": d.escape(name), "value": d.escape(word)}
                    for name, word in message.components
                ],
            }
        )
    if message.body:
        converted = markup.convert(message.body, d, message.url)
        body.append(text(markup.clip(converted, TEAMS_TEXT), separator=True))
    if message.next_update:
        body.append(text(d.escape(message.next_update), isSubtle=True))
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": message.more, "url": message.url}],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


# -- Statuspage webhook --------------------------------------------------------------------


def webhook(event: PublishedEvent, published: EventList, site: Site) -> dict[str, Any]:
    """The body of Atlassian Statuspage's incident webhook notification: ``meta``, ``page``
    and the ``incident`` as it stood at this event, its ``incident_updates`` newest first
    (so ``incident_updates[0]`` is the update this event announces)."""
    incident = copy.deepcopy(published.incidents.get(event.incident["id"], {}))
    updates = list(incident.get("incident_updates") or [])
    if event.update is not None:
        ids = [u.get("id") for u in updates]
        if event.update["id"] in ids:
            updates = updates[ids.index(event.update["id"]) :]
    incident["incident_updates"] = updates
    incident["status"] = event.status
    page = published.page
    return {
        "meta": {
            "unsubscribe": site.subscribe or None,
            "documentation": None,
            "generated_at": published.generated_at.isoformat(timespec="milliseconds").replace(
                "+00:00", "Z"
            ),
        },
        "page": {
            "id": page.get("id"),
            "status_indicator": page.get("status_indicator"),
            "status_description": page.get("status_description"),
        },
        "incident": incident,
    }


# -- email ---------------------------------------------------------------------------------


def thread_root(site_url: str, incident_id: str) -> str:
    """The ``Message-ID`` every message of one incident refers to, from the site's address
    and the incident's id: ``<2026-11-20-api-errors.status@acme.github.io>``."""
    return _message_id(site_url, incident_id)


def _message_id(site_url: str, left: str) -> str:
    parts = urlsplit(site_url)
    path = [segment for segment in parts.path.split("/") if segment]
    atoms = [_atext(atom) for atom in [*left.split("."), *path]]
    return f"<{'.'.join(atoms)}@{parts.hostname or 'localhost'}>"


def _atext(text: str) -> str:
    """Only the characters a Message-ID may hold (RFC 5322 dot-atom text, without dots)."""
    return re.sub(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~-]", "-", text)


def email(
    message: Message, channel: NotifyChannel, published: EventList, site: Site, now: datetime
) -> EmailMessage:
    """A text and HTML message in the incident's thread."""
    event = message.event
    incident_id = str(event.incident["id"])
    root = thread_root(site.url, incident_id)
    updates = published.incidents.get(incident_id, {}).get("incident_updates") or []
    first = updates[-1].get("id") if updates else None
    is_root = event.update is not None and event.update["id"] == first
    mail = EmailMessage()
    mail["Subject"] = f"[{_one_line(message.site_title)}] {message.title}"
    mail["From"] = channel.sender
    mail["To"] = ", ".join(channel.to)
    mail["Date"] = format_datetime(now)
    if is_root:
        mail["Message-ID"] = root
    else:
        mail["Message-ID"] = _message_id(site.url, event.id.replace("/", "."))
        mail["In-Reply-To"] = root
        mail["References"] = root
    mail.set_content(_email_text(message))
    mail.add_alternative(_email_html(message, site.language), subtype="html")
    return mail


def _email_text(message: Message) -> str:
    lines = [message.title, "", message.status_word]
    lines += [text for text in (message.summary, message.window) if text]
    if message.components:
        lines += ["", f"{message.affected_label}:"]
        lines += [f"- {name}: {word}" for name, word in message.components]
    if message.body:
        lines += ["", markup.convert(message.body, markup.TEXT, message.url)]
    if message.next_update:
        lines += ["", message.next_update]
    lines += ["", f"{message.more}: {message.url}", "", "-- ", message.footer]
    return "\n".join(lines) + "\n"


def _email_html(message: Message, language: str) -> str:
    parts = [
        Markup('<h1 style="font-size:1.3em;margin:0 0 .3em">{}</h1>').format(message.title),
        Markup("<p><strong>{}</strong></p>").format(message.status_word),
    ]
    parts += [Markup("<p>{}</p>").format(t) for t in (message.summary, message.window) if t]
    if message.components:
        items = Markup("").join(
            Markup("<li>{}: {}</li>").format(name, word) for name, word in message.components
        )
        parts.append(Markup("<p>{}:</p><ul>{}</ul>").format(message.affected_label, items))
    if message.body:
        parts.append(render_markdown(message.body))  # the site's own safe HTML
    if message.next_update:
        parts.append(Markup("<p>{}</p>").format(message.next_update))
    parts.append(Markup('<p><a href="{}">{}</a></p>').format(message.url, message.more))
    parts.append(Markup('<p style="color:#555;font-size:.85em">{}</p>').format(message.footer))
    return (
        Markup(
            '<!DOCTYPE html>\n<html lang="{}"><head><meta charset="utf-8"><title>{}</title>'
        ).format(language, message.title)
        + Markup('</head>\n<body style="font-family:sans-serif;line-height:1.45">\n')
        + Markup("\n").join(parts)
        + Markup("\n</body></html>\n")
    )
