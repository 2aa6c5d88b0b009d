"""``python -m marsound``: the same as the ``marsound`` command."""

from marsound.cli.main import run

run()
