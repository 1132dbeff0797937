"""Qt user interface. The only package (besides ``player.app.main``) that imports PySide6."""
