"""Every status statusgen knows, in one table: its word, its severity, its icon and its colour.

The keys are the content format's vocabulary (SPEC sections 3 and 4): component statuses, best
first (their order is their severity), incident and maintenance statuses, the overall
indicators and the impacts. Each entry has

- ``word``: what pages, feeds and the calendar show, in English; the catalogs translate it for
  pages and feeds (docs/languages.md);
- ``shape``: its icon in the theme's sprite (``#i-po``), which is also the name of its colour in
  the theme's stylesheet (``var(--po)``) and of its uptime bar (``u-po``): the shape tells the
  status as well as the colour does, so nothing depends on colour alone;
- ``badge``: for component statuses and indicators, the words of a badge (``badge.svg``);
- ``holds``: for incident and maintenance statuses, whether the components it lists carry their
  listed status while it is in this one.

Templates, renderers and the writing commands read this table; none keeps a copy of its own.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:  # noqa: N802 - the name gettext tools look for
    """Mark a string for the catalogs without translating it here."""
    return message


@dataclass(frozen=True)
class Status:
    key: str
    word: str
    shape: str = ""
    badge: str = ""
    holds: bool = False


def _table(*entries: Status) -> dict[str, Status]:
    return {entry.key: entry for entry in entries}


# -- component statuses, best first ---------------------------------------------------------

OPERATIONAL = "operational"
UNDER_MAINTENANCE = "under_maintenance"
DEGRADED = "degraded_performance"
PARTIAL = "partial_outage"
MAJOR = "major_outage"
COMPONENT = _table(
    Status(OPERATIONAL, N_("Operational"), "ok", "operational"),
    Status(UNDER_MAINTENANCE, N_("Under maintenance"), "mt", "under maintenance"),
    Status(DEGRADED, N_("Degraded performance"), "dg", "degraded performance"),
    Status(PARTIAL, N_("Partial outage"), "po", "partial outage"),
    Status(MAJOR, N_("Major outage"), "mo", "major outage"),
)
COMPONENT_STATUSES = tuple(COMPONENT)  # the severity order of SPEC section 4
INCIDENT_COMPONENT_STATUSES = (DEGRADED, PARTIAL, MAJOR)
MAINTENANCE_COMPONENT_STATUSES = (UNDER_MAINTENANCE, DEGRADED, PARTIAL, MAJOR)
NO_DATA = "no_data"  # an uptime day that is not counted (before a component's ``since``)


def severity(status: str) -> int:
    """Rank of a component status: higher is worse."""
    return COMPONENT_STATUSES.index(status)


# -- incident and maintenance statuses ------------------------------------------------------

UPDATE = "update"  # more news, same status as before
INCIDENT = _table(
    Status("investigating", N_("Investigating"), "mo", holds=True),
    Status("identified", N_("Identified"), "po", holds=True),
    Status("monitoring", N_("Monitoring"), "dg"),
    Status("resolved", N_("Resolved"), "ok"),
    Status("postmortem", N_("Postmortem"), "ok"),
)
MAINTENANCE = _table(
    Status("scheduled", N_("Scheduled"), "mt"),
    Status("in_progress", N_("In progress"), "mt", holds=True),
    Status("verifying", N_("Verifying"), "mt", holds=True),
    Status("completed", N_("Completed"), "ok"),
)
INCIDENT_STATUSES = tuple(INCIDENT)
MAINTENANCE_STATUSES = tuple(MAINTENANCE)
UNRESOLVED = ("investigating", "identified", "monitoring")
FINISHED = ("resolved", "postmortem", "completed")
# The statuses in which an incident's components carry their listed status (SPEC section 4).
HOLDING_STATUSES = tuple(key for key, status in INCIDENT.items() if status.holds)
MAINTENANCE_HOLDING_STATUSES = tuple(key for key, status in MAINTENANCE.items() if status.holds)
# An update with one of these statuses overrides a maintenance's clock from its time on.
MAINTENANCE_EXPLICIT_STATUSES = ("in_progress", "verifying", "completed")

# -- impacts and overall indicators ---------------------------------------------------------

IMPACT = _table(
    Status("none", N_("No impact")),
    Status("minor", N_("Minor")),
    Status("major", N_("Major")),
    Status("critical", N_("Critical")),
    Status("maintenance", N_("Maintenance")),  # a maintenance's own; never written
)
IMPACTS = ("none", "minor", "major", "critical")  # what a writer may give, least first
IMPACT_TO_STATUS = {"minor": DEGRADED, "major": PARTIAL, "critical": MAJOR}
STATUS_TO_IMPACT = {DEGRADED: "minor", PARTIAL: "major", MAJOR: "critical"}

# The overall indicator, best first; its word is Statuspage's description.
INDICATOR = _table(
    Status("none", N_("All Systems Operational"), "ok", "operational"),
    Status("maintenance", N_("Service Under Maintenance"), "mt", "maintenance"),
    Status("minor", N_("Minor Service Outage"), "dg", "minor outage"),
    Status("major", N_("Partial System Outage"), "po", "partial outage"),
    Status("critical", N_("Major System Outage"), "mo", "major outage"),
)
INDICATORS = tuple(INDICATOR)
# Statuspage words the top-level status of degraded performance apart from outages ("Top-level
# status and incident impact calculations"): the indicator stays "minor".
DESCRIPTION = _table(
    Status("degraded_some", N_("Partially Degraded Service"), "dg", "degraded"),
    Status("degraded_all", N_("Degraded System Service"), "dg", "degraded"),
    # Our own, for the page's banner only: every unresolved incident is monitoring a fix and no
    # component is held, so the page says so instead of an outage above green components.
    Status("recovering", N_("Recovering: a fix is being monitored"), "dg", "recovering"),
)
STATUS_TO_INDICATOR = {OPERATIONAL: "none", UNDER_MAINTENANCE: "maintenance", **STATUS_TO_IMPACT}

# -- what pages show ------------------------------------------------------------------------

# Component, incident and maintenance statuses and indicators share one namespace on pages
# (their keys never clash): ``status_word(key)`` and ``icon(key)`` in templates.
SHOWN = _table(
    *COMPONENT.values(),
    *INCIDENT.values(),
    Status(UPDATE, N_("Update"), "dg"),
    *MAINTENANCE.values(),
    *INDICATOR.values(),
    *DESCRIPTION.values(),
    Status("recovering_component", N_("Recovering"), "dg"),
    Status(NO_DATA, N_("No data"), "nd"),
)
# The colour of each shape where there is no stylesheet (badges, the favicon): dark enough
# for white text at a contrast of at least 4.5:1.
COLOURS = {"ok": "#2e7d32", "mt": "#1565c0", "dg": "#8a5a00", "po": "#b93d00", "mo": "#c62828"}


def word(status: str) -> str:
    """A status as written in English: ``In progress``, ``Partial outage``."""
    return SHOWN[status].word


def shape(status: str) -> str:
    """The icon and colour name of a status; an unknown one looks degraded."""
    known = SHOWN.get(status)
    return known.shape if known else COMPONENT[DEGRADED].shape
