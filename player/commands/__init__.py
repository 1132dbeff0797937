"""Command-line subcommands that need no window (``transcript``, ``search``, ``index``, ...).

Each module exposes ``add_parser(subparsers)`` and ``run(args) -> int`` (the exit status).
"""
