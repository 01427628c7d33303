"""packaging/trim.py with SciPy an app dependency again (issue 20): the bundle keeps scipy and
every scipy module the app's searches load."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
import trim  # noqa: E402  (packaging/trim.py: the bundle's trimming rules)


def test_the_bundle_keeps_every_scipy_part_the_app_loads():
    """SciPy is an app dependency again (issue 20): the bundle must keep scipy and every scipy
    module the app's searches load (cKDTree, scipy.sparse, csgraph), judged from the real
    app sources, and still leave out the parts nothing loads."""
    sources = [p.read_text(encoding="utf-8") for d in ("geo", "ui") for p in (ROOT / d).rglob("*.py")]
    left_out = trim.unused_by_app(sources + [(ROOT / "main.py").read_text(encoding="utf-8")])
    assert "scipy" not in left_out
    code = ("import sys\n"
            "import reach_planner.geo.sphere, reach_planner.geo.demand, reach_planner.geo.terrain\n"
            "import reach_planner.geo.gaps, reach_planner.geo.siting.capacity, reach_planner.geo.siting.exact\n"
            "import reach_planner.geo.siting.backup\n"
            "print('\\n'.join(m for m in sys.modules if m.startswith('scipy')))\n")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            check=True, timeout=300).stdout.split()
    assert {"scipy.spatial", "scipy.sparse", "scipy.sparse.csgraph"} <= set(loaded)
    dropped = [m for m in loaded if any(m == u or m.startswith(u + ".") for u in left_out)]
    assert not dropped
