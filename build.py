#!/usr/bin/env python3
"""Build the site in this folder: `python build.py [build|check|new|serve] …`."""

import sys
from pathlib import Path

from goodrel_site.cli import main

if __name__ == "__main__":
    sys.exit(main(default_site=Path(__file__).resolve().parent))
