"""The data files shipped with Briefing Player: the sample briefing, the icon, the desktop entry.

Installed, this folder is the package ``player.resources`` (see ``[tool.setuptools]`` in
pyproject.toml); the program finds it through ``player.app.resources``, never by a path of its own.
"""
