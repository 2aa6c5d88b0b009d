"""The suite collects in any file order: helpers are imported from ``tests/helpers.py``, never ``conftest``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent


def test_no_test_imports_conftest():
    offenders = [
        str(p.relative_to(TESTS))
        for p in TESTS.rglob("*.py")
        if re.search(r"^\s*(from conftest import|import conftest)", p.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


@pytest.mark.parametrize("files", [
    ("rendering/test_filters.py", "chute/test_geometry.py"),  # failed at collection before tests/helpers.py
    ("recordings/test_formats.py", "rendering/test_bad_input.py"),
])  # fmt: skip
def test_files_collect_together_in_either_order(files):
    for order in (files, files[::-1]):
        res = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
             *[str(TESTS / f) for f in order]],
            capture_output=True, text=True, cwd=TESTS.parent, timeout=300,
        )  # fmt: skip
        assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
