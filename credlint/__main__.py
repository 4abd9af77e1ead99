"""Allow `python -m credlint`."""

import sys

from credlint.cli import main

sys.exit(main())
