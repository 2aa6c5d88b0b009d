"""``python -m marsound``: the same as the ``marsound`` command."""

import sys

from marsound.cli.main import main

sys.exit(main())
