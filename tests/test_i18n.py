"""English / 中文: every UI string has Chinese (the Qt side is in test_ui_i18n.py)."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_every_ui_string_has_a_chinese_translation():
    p = subprocess.run([sys.executable, str(ROOT / "resources/tools/make_translations.py"),
                        "--check"], capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stdout


def test_compiled_qm_is_newer_than_the_ts():
    ts = ROOT / "resources/i18n/reach_planner_zh_CN.ts"
    qm = ts.with_suffix(".qm")
    assert qm.stat().st_size > 1000
    assert "服务网点" in ts.read_text(encoding="utf-8")
