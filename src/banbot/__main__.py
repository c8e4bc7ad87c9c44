"""``python -m banbot`` runs the command line."""

import sys

from banbot.cli import main

sys.exit(main())
