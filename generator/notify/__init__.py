"""Notifications (SPEC section 8): push every update to chat, webhooks and email.

``events`` derives what is true at a build's "now"; ``render.notifications`` writes it into the
site; ``published`` reads it back, from the build and from the site published before; ``run``
works out what is new for each channel, ``messages`` words it for each platform, and
``delivery`` sends it, with retries.
"""
