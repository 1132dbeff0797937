"""Qt user interface. The only package (besides ``player.app``) that imports PySide6."""
