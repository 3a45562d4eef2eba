"""``python -m fundinggraph.bench`` (what ``make bench`` runs)."""

import sys

from fundinggraph.bench.run import main

sys.exit(main())
