"""Subcommands beyond build and check: each module has ``setup(subparsers)``."""
