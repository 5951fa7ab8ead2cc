"""``python -m hashjoule``: the same as the ``hashjoule`` command."""

import sys

from hashjoule.cli import main

sys.exit(main())
