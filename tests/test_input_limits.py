"""Issue 19, items 3 and 8: inputs that block, bombs that claim gigabytes, silent wrong text.

Every test here failed on the code before the fix: a FIFO blocked the reader forever, a
small XLSX decoded whatever it declared, a formula Excel never calculated was "missing
latitude", and a CSV mixing UTF-8 and GBK came in with garbled names.
"""
from __future__ import annotations

import io
import os
import threading
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from reach_planner.geo import limits
from reach_planner.geo.demand_io import DemandFileError, read_demand
from reach_planner.geo.scenario_file import ScenarioFileError, load_scenario
from reach_planner.geo.sites_io import SiteFileError, read_sites

BEIJING = (39.9, 116.4)


@pytest.fixture(autouse=True)
def default_limit():
    limits.set_max_decoded_mb(None)
    yield
    limits.set_max_decoded_mb(None)


def finishes(work, seconds: float = 20.0) -> BaseException | None:
    """Run ``work`` in a thread; the exception it raised (None if it returned). Fails if it
    is still running after ``seconds`` (a blocked open)."""
    out: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            out.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    return out[0] if out else pytest.fail(f"still blocked after {seconds} s")


@pytest.fixture
def fifo(tmp_path):
    made: list[Path] = []

    def make(name: str) -> Path:
        p = tmp_path / name
        os.mkfifo(p)
        made.append(p)
        return p

    yield make
    for p in made:  # release a reader the old code left blocked on open()
        try:
            fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass


# -- blocking opens ------------------------------------------------------------------------
@pytest.mark.parametrize("name, read, error", [
    ("sites.csv", lambda p: read_sites(p), SiteFileError),
    ("demand.csv", lambda p: read_demand(p), DemandFileError),
    ("demand.tif", lambda p: read_demand(p), DemandFileError),
    ("plan.rpscenario.json", lambda p: load_scenario(p), ScenarioFileError),
])
def test_a_fifo_given_as_any_input_is_refused_at_once(fifo, name, read, error):
    p = fifo(name)
    exc = finishes(lambda: read(p))
    assert isinstance(exc, error)
    assert str(exc) == f"{p}: is a named pipe (FIFO), not a regular file"


def test_a_device_and_a_folder_are_refused_with_one_line(tmp_path):
    link = _devnull_link(tmp_path)
    exc = finishes(lambda: read_sites(link))
    assert isinstance(exc, SiteFileError) and "is a device, not a regular file" in str(exc)
    folder = tmp_path / "d.csv"
    folder.mkdir()
    exc = finishes(lambda: read_demand(folder))
    assert isinstance(exc, DemandFileError) and str(exc) == f"{folder}: is a folder, not a regular file"


def _devnull_link(tmp: Path) -> Path:
    link = tmp / "zero.csv"
    link.symlink_to("/dev/zero")  # endless bytes: the old reader would fill memory
    return link


def test_a_scenario_naming_a_fifo_as_demand_is_refused(tmp_path, fifo):
    from reach_planner.geo.params import ScenarioParams
    from reach_planner.geo.scenario_file import save_scenario

    pipe = fifo("pop.tif")
    path = tmp_path / "s.rpscenario.json"
    save_scenario(path, ScenarioParams())
    import json

    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["demand"] = {"name": "imported", "file": "pop.tif", "kind": "raster", "path": str(pipe)}
    path.write_text(json.dumps(doc), encoding="utf-8")
    exc = finishes(lambda: load_scenario(path))
    assert isinstance(exc, ScenarioFileError) and "is a named pipe (FIFO)" in str(exc)


# -- XLSX bombs ----------------------------------------------------------------------------
def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rewritten(data: bytes, change) -> bytes:
    """The workbook with its sheet XML changed (openpyxl itself cuts long strings)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                new = change(body)
                assert new != body
                body = new
            dst.writestr(info, body)
    return out.getvalue()


def test_an_xlsx_whose_strings_decode_past_the_limit_is_refused_before_loading(tmp_path):
    small = xlsx_bytes([["name", "lat", "lon"], ["abc", *BEIJING]])
    big = b"x" * (6 << 20)  # 6 MB of one letter: compresses to a few KB
    p = tmp_path / "bomb.xlsx"
    p.write_bytes(rewritten(small, lambda b: b.replace(b"<t>abc</t>", b"<t>" + big + b"</t>")))
    assert p.stat().st_size < 100_000
    limits.set_max_decoded_mb(10)  # 3 x 6 MB of XML is more than 10 MB
    with pytest.raises(SiteFileError) as err:
        read_sites(p)
    msg = str(err.value)
    assert msg.startswith(f"{p}: the workbook's") and "more than the limit of 10 MB" in msg
    assert "--max-decoded-mb" in msg and "\n" not in msg
    limits.set_max_decoded_mb(100)  # a genuine file: the user raised the limit
    assert len(read_sites(p).outlets) == 1


def test_an_xlsx_declaring_a_whole_sheet_is_refused_without_walking_it(tmp_path):
    data = xlsx_bytes([["name", "lat", "lon"], ["a", *BEIJING]])
    p = tmp_path / "wide.xlsx"
    p.write_bytes(rewritten(data, lambda b: b.replace(b'<dimension ref="A1:C2" />',
                                                       b'<dimension ref="A1:XFD900000"/>')))
    exc = finishes(lambda: read_sites(p), 30)
    assert isinstance(exc, SiteFileError)
    assert "the sheet's declared 900,000 rows x 16,384 columns" in str(exc)


def test_the_limit_comes_from_the_environment_and_the_flag(monkeypatch):
    monkeypatch.setenv(limits.ENV_VAR, "64")
    assert limits.max_decoded_mb() == 64
    limits.set_max_decoded_mb(5)
    assert limits.max_decoded_bytes() == 5 << 20
    with pytest.raises(ValueError):
        limits.set_max_decoded_mb(0)


# -- silent wrong text ---------------------------------------------------------------------
def test_an_uncalculated_formula_is_named_not_called_missing(tmp_path):
    p = tmp_path / "f.xlsx"
    p.write_bytes(xlsx_bytes([["name", "lat", "lon"], ["a", "=30+9.9", 116.4], ["b", 31.2, 121.5]]))
    r = read_sites(p)
    assert len(r.outlets) == 1
    [issue] = r.issues
    assert issue.row == 2 and issue.column == "lat"
    assert "formula without a saved value: open and save the file in Excel" in str(issue)
    assert "missing" not in str(issue)


def test_a_formula_weight_in_a_demand_file_is_named(tmp_path):
    p = tmp_path / "orders.xlsx"
    p.write_bytes(xlsx_bytes([["lat", "lon", "orders"], [39.9, 116.4, "=2*5"], [31.2, 121.5, 7]]))
    imp = read_demand(p)
    assert imp.total == 7
    assert "row 2, column orders: weight: formula without a saved value" in str(imp.issues[0])


def test_a_csv_mixing_utf8_and_gbk_is_refused_naming_the_lines(tmp_path):
    data = (b"name,lat,lon\n" + "北京网点,39.9,116.4\n".encode()
            + "上海网点,31.2,121.5\n".encode("gbk") + "成都网点,30.6,104.1\n".encode("gbk"))
    p = tmp_path / "mixed.csv"
    p.write_bytes(data)
    with pytest.raises(SiteFileError) as err:
        read_sites(p)
    assert str(err.value) == (f"{p}: mixed text encodings: line 2 is UTF-8 but lines 3, 4 are "
                              "GBK/GB18030, so some names would come out garbled; save the file "
                              "again in one encoding (UTF-8)")


def test_a_csv_in_gbk_alone_still_reads(tmp_path):
    p = tmp_path / "gbk.csv"
    p.write_bytes("name,lat,lon\n上海网点,31.2,121.5\n".encode("gbk"))
    assert list(read_sites(p).outlets["name"]) == ["上海网点"]


def test_a_text_table_that_would_not_fit_the_limit_is_refused_before_reading(tmp_path):
    p = tmp_path / "big.csv"
    p.write_text("name,lat,lon\n" + "a,39.9,116.4\n" * 100_000, encoding="utf-8")  # 1.3 MB
    limits.set_max_decoded_mb(10)  # 14 x 1.3 MB is more
    with pytest.raises(SiteFileError) as err:
        read_sites(p)
    assert str(err.value).startswith(f"{p}: this 1 MB CSV file (read as a table of text, about 14x")
    assert "more than the limit of 10 MB" in str(err.value)
    limits.set_max_decoded_mb(None)
    assert len(read_sites(p).issues) == 99_999  # duplicates of row 2: read, not refused
