"""Issue 19, item 9: limits met with one clear line, never a traceback or a wrong message.

Each failed before: the workbook of 1.5 M outlets died on openpyxl's row limit after the
pages were drawn, two weights of 1e308 summed to infinity and raised OverflowError, and
a full disk was reported as "folder not writable"."""
from __future__ import annotations

import csv
import errno
import io
import os
import subprocess
import sys

import openpyxl
import pytest

from reach_planner.geo.atomic import TargetError, atomic_write_bytes, atomic_write_with
from reach_planner.geo.demand_io import read_demand
from reach_planner.geo.params import ScenarioParams
from reach_planner.geo.scenario import run_scenario
from reach_planner.ui.report import job as report_job_module
from reach_planner.ui.report import workbook
from reach_planner.ui.report.options import ReportOptions
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def result():
    return run_scenario(ScenarioParams(outlets=300, sites=40, cell_km=20.0))


def test_more_outlets_than_a_sheet_holds_go_to_a_csv_beside_the_workbook(result, tmp_path,
                                                                         monkeypatch):
    o = result.network.outlets
    o.loc[o.index[0], "name"] = "=HYPERLINK(\"http://x\")"
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 100)  # 300 outlets do not fit
    files = workbook.workbook_files(result, tmp_path / "pack.xlsx")
    csv_path = tmp_path / "pack_outlets.csv"
    assert list(files) == [tmp_path / "pack.xlsx", csv_path]
    book = openpyxl.load_workbook(io.BytesIO(files[tmp_path / "pack.xlsx"]))
    note = book["outlets"]["A1"].value
    assert note == ("300 outlets are more than an Excel sheet holds (99 rows): they are in "
                    "pack_outlets.csv beside this workbook")
    assert book["provinces"].max_row == 32  # the other sheets are whole
    rows = list(csv.DictReader(io.StringIO(files[csv_path].decode("utf-8-sig"))))
    assert len(rows) == 300 and rows[0]["name"].startswith("'=HYPERLINK")
    assert float(rows[1]["lon"]) == pytest.approx(float(o["lon"].iloc[1]))


def test_the_report_job_writes_the_csv_in_the_same_set(result, tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 100)
    monkeypatch.setattr(report_job_module, "render_report",  # the pages are not the point here
                        lambda res, opts, out, progress: {tmp_path / "r.pdf": b"%PDF-1.4\n"})
    written = report_job_module.report_job(result, ReportOptions(), tmp_path / "r.pdf",
                                           tmp_path / "r.xlsx")(lambda pct, text: None)
    assert sorted(p.name for p in written) == ["r.pdf", "r.xlsx", "r_outlets.csv"]
    assert all(p.exists() for p in written)


def test_a_small_network_keeps_its_outlets_sheet(result, tmp_path):
    files = workbook.workbook_files(result, tmp_path / "pack.xlsx")
    assert list(files) == [tmp_path / "pack.xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(files[tmp_path / "pack.xlsx"]))
    assert book["outlets"].max_row == 301


def test_weights_that_overflow_are_one_line_naming_value_row_and_file(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_text("lat,lon,weight\n39.9,116.4,1e308\n31.2,121.5,1e308\n30.6,104.1,12\n",
                 encoding="utf-8")
    imp = read_demand(p)
    assert imp.total == 12
    assert [str(i) for i in imp.issues] == [
        f"orders.csv: row {r}, column weight: weight 1e308 is too large (more than 1e+15, far "
        "beyond any population or order count)" for r in (2, 3)]
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "summary", "--demand", str(p)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert "row 2, column weight: weight 1e308 is too large" in out.stderr


@pytest.mark.parametrize("write", [lambda p: atomic_write_bytes(p, b"x" * 100),
                                   lambda p: atomic_write_with(p, lambda t: t.write_bytes(b"x"))])
def test_a_full_disk_says_disk_full(tmp_path, monkeypatch, write):
    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(TargetError) as err:
        write(tmp_path / "report.pdf")
    text = str(err.value)
    assert text.startswith(f"cannot write report.pdf: disk full (no space left in {tmp_path})")
    assert "not writable" not in text and ".report" not in text
    assert list(tmp_path.iterdir()) == []  # and no temporary file is left


def test_a_real_full_device_says_disk_full(tmp_path):
    """/dev/full fails every write with ENOSPC, as a full disk does."""
    from reach_planner.geo.write_errors import write_error_text

    try:
        with open("/dev/full", "wb") as f:
            f.write(b"x")
            f.flush()
    except OSError as exc:
        assert write_error_text(tmp_path / "a.xlsx", exc).startswith("cannot write a.xlsx: disk full")
    else:  # pragma: no cover - a system without /dev/full semantics
        pytest.skip("/dev/full accepted the write")
