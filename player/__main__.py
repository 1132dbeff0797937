"""``python -m player`` runs the application."""

import sys

from player.app.main import main

sys.exit(main())
