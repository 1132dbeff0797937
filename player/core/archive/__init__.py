"""The archive: the library of briefings (SQLite + FTS5 index, user data, scanner, search).

The facade is ``player.core.archive.library.Archive``; ``library``'s docstring maps the modules.
Nothing is imported here, so using one module (e.g. ``query``) does not load the others.
"""
