"""Same as `kb ingest`: index the corpus (nothing to do when nothing changed)."""

import sys

from kb.cli import app

if __name__ == "__main__":
    app(["ingest", *sys.argv[1:]], prog_name="ingest.py")
