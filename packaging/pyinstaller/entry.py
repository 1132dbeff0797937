"""The frozen program's entry script (PyInstaller runs it as ``__main__``)."""

import sys

from player.app.main import main

if __name__ == "__main__":
    sys.exit(main())
