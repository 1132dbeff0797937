"""``python -m player`` runs the application."""

import sys

from player.app import main

sys.exit(main())
