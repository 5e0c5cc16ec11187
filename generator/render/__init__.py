"""Renderers: each writes one family of output files from the derived facts, and only formats.

:data:`generator.build.RENDERERS` lists them in the order a build runs them; the many pages of
:mod:`generator.render.pages` (one per component, history page and incident) render on the
build's workers meanwhile.
"""
