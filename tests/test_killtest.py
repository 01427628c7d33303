"""The kill -9 test in small (issue 19, item 4): six kills across export-data, print-map and
scenario save; every set stays whole and no temporary outlives the next write. The full run
(90 kills, the report pack too) is ``bench/killtest.py``; its tally is in the README."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]


def test_six_kills_leave_every_set_whole_and_no_temporaries():
    p = subprocess.run([sys.executable, str(ROOT / "bench" / "killtest.py"), "--kills", "6", "--seed", "3", "--small",
                        "--only", "export-data", "--only", "print-map", "--only", "save"],
                       capture_output=True, text=True, cwd=ROOT, timeout=1150)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "kills 6," in p.stdout and "mixed 0" in p.stdout
    assert "temporaries left after the final writes: 0" in p.stdout
