"""Entry point of the desktop bundle: the same command line as ``python main.py``."""
from __future__ import annotations

import sys

from reach_planner.main import main

if __name__ == "__main__":
    sys.exit(main())
