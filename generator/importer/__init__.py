"""Importing another status page's history into a statusgen site (``statusgen import``).

:mod:`.sources` reads what the page publishes (its public API, saved JSON, or the management
API), :mod:`.statuspage` turns it into site.yaml entries and incident files, and
:mod:`.writing` validates every file before any of them is written.
"""
