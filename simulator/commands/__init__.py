"""The command line's subcommands (see simulator/__main__.py)."""
