"""File sets are committed together (issue 19, item 4): a report's PDF and workbook, its PNG
pages, an export-data folder. A failure, a full disk or Ctrl+C part-way leaves the whole old
set; the CLI says exactly what was written; dead writers' temporaries go on the next write."""
from __future__ import annotations

import errno
import hashlib
import os
import signal
import socket
import subprocess
import sys

import pytest

from reach_planner.geo.params import ScenarioParams
from reach_planner.ui.report.pack import write_files

pytestmark = pytest.mark.slow


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def fail_fsync_at(monkeypatch, n: int, exc: BaseException) -> None:
    """The n-th fsync fails: how a full disk shows on a delayed-allocation filesystem."""
    real, calls = os.fsync, []

    def fsync(fd):
        calls.append(fd)
        if len(calls) == n:
            raise exc
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


def dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_full_disk_while_the_workbook_is_written_keeps_the_old_pdf(tmp_path, monkeypatch):
    pdf, xlsx = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    write_files({pdf: b"%PDF old", xlsx: b"old workbook"})
    before = digest(tmp_path)
    fail_fsync_at(monkeypatch, 2, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OSError, match="disk full|No space"):
        write_files({pdf: b"%PDF new", xlsx: b"new workbook"})
    monkeypatch.undo()
    assert digest(tmp_path) == before  # no new PDF beside the old workbook, no temporaries


def test_an_interrupted_png_pack_keeps_every_old_page(tmp_path, monkeypatch):
    pages = tmp_path / "pages"
    write_files({pages / f"{k:02d}-p.png": b"old %d" % k for k in range(33)})
    before = digest(pages)
    fail_fsync_at(monkeypatch, 12, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        write_files({pages / f"{k:02d}-p.png": b"new %d" % k for k in range(33)})
    monkeypatch.undo()
    assert digest(pages) == before  # not 11 new and 22 old pages


def test_a_failed_export_keeps_the_whole_old_folder(tmp_path, monkeypatch):
    from reach_planner.geo.export_data import export_results
    from reach_planner.geo.scenario import run_scenario

    old = run_scenario(ScenarioParams(outlets=300, sites=40, seed=1))
    new = run_scenario(ScenarioParams(outlets=300, sites=40, seed=2))
    export_results(old, tmp_path, ("csv", "xlsx"))
    before = digest(tmp_path)
    fail_fsync_at(monkeypatch, 2, OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OSError):
        export_results(new, tmp_path, ("csv", "xlsx"))
    monkeypatch.undo()
    assert digest(tmp_path) == before
    written = export_results(new, tmp_path, ("csv", "xlsx"))
    assert sorted(p.name for p in written) == sorted(before)
    assert all(digest(tmp_path)[n] != before[n] for n in ("province_summary.csv", "province_summary.xlsx"))


HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]  # as geo.fileset names them


def test_dead_writers_temporaries_go_on_the_next_write_live_ones_stay(tmp_path):
    stale = tmp_path / f".reach-tmp-{HOST}-{dead_pid()}-0badc0de-0-pack.pdf"
    stale.write_bytes(b"x" * 1000)
    (tmp_path / f"{stale.name}-journal").write_bytes(b"j")
    live = tmp_path / f".reach-tmp-{HOST}-{os.getppid()}-0badc0de-0-pack.pdf"
    live.write_bytes(b"another writer, still running")
    mine = tmp_path / ".pack.pdf.tmp"  # not the app's naming: never touched
    mine.write_bytes(b"user file")
    write_files({tmp_path / "pack.pdf": b"%PDF"})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, mine.name, "pack.pdf"])


def test_an_interrupted_commit_is_finished_by_the_next_write(tmp_path):
    """A kill between the renames: the journal names them all, the next write completes it."""
    import json

    from reach_planner.geo.fileset import tidy

    a, b = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    a.write_bytes(b"new pdf")  # renamed before the kill
    b.write_bytes(b"old xlsx")
    pid = dead_pid()
    tmp_b = tmp_path / f".reach-tmp-{HOST}-{pid}-0badc0de-1-pack.xlsx"
    tmp_b.write_bytes(b"new xlsx")
    journal = tmp_path / f".reach-tmp-{HOST}-{pid}-0badc0de.journal"
    journal.write_text(json.dumps([[str(tmp_path / "gone"), str(a)], [str(tmp_b), str(b)]]))
    tidy(tmp_path)
    assert b.read_bytes() == b"new xlsx" and a.read_bytes() == b"new pdf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.pdf", "pack.xlsx"]


def fake_pack(monkeypatch):
    """The pack's drawing replaced by small bytes: these tests are about the writing."""
    from reach_planner.ui.report import job

    def render(result, opts, out, progress):
        from pathlib import Path
        return {Path(out): b"%PDF new pack"}

    monkeypatch.setattr(job, "render_report", render)
    monkeypatch.setattr(job, "workbook_files", lambda result, dest, *a, **k: {dest: b"new workbook"})


def test_ctrl_c_while_the_workbook_is_written_says_nothing_and_means_it(tmp_path, monkeypatch, capsys):
    from reach_planner.main import main

    pdf, xlsx = tmp_path / "p.pdf", tmp_path / "p.xlsx"
    pdf.write_bytes(b"old pdf")
    xlsx.write_bytes(b"old xlsx")
    fake_pack(monkeypatch)
    fail_fsync_at(monkeypatch, 2, KeyboardInterrupt())
    code = main(["report", "--out", str(pdf), "--xlsx", str(xlsx), "--outlets", "300", "--sites", "40"])
    err = capsys.readouterr().err
    assert code == 130 and "nothing was written" in err
    assert pdf.read_bytes() == b"old pdf" and xlsx.read_bytes() == b"old xlsx"


def test_ctrl_c_during_the_renames_finishes_them_and_names_the_files(tmp_path, monkeypatch, capsys):
    from reach_planner.main import main

    pdf, xlsx = tmp_path / "p.pdf", tmp_path / "p.xlsx"
    pdf.write_bytes(b"old pdf")
    xlsx.write_bytes(b"old xlsx")
    fake_pack(monkeypatch)
    real = os.replace

    def replace(src, dst, *a, **k):
        real(src, dst, *a, **k)
        if str(dst).endswith(".pdf"):
            signal.raise_signal(signal.SIGINT)  # Ctrl+C right after the PDF was replaced

    monkeypatch.setattr(os, "replace", replace)
    code = main(["report", "--out", str(pdf), "--xlsx", str(xlsx), "--outlets", "300", "--sites", "40"])
    err = capsys.readouterr().err
    assert code == 130
    assert "nothing was written" not in err and str(pdf) in err and str(xlsx) in err
    assert pdf.read_bytes() == b"%PDF new pack" and xlsx.read_bytes() == b"new workbook"


def test_two_writers_at_once_leave_one_whole_set(tmp_path, monkeypatch):
    """Two packs written into one folder at the same time: one wins whole. Writer A is slow
    on its first pages and fast after, B steady, so B overtakes A half-way through."""
    import threading
    import time

    real, calls = os.fsync, {}

    def fsync(fd):
        me = threading.current_thread().name
        calls[me] = calls.get(me, 0) + 1
        time.sleep(0.015 if me == "B" else 0.04 if calls[me] <= 10 else 0.0)
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    pages = tmp_path / "pages"
    pages.mkdir()
    sets = {w: {pages / f"{k:02d}-p.png": f"{w} {k}".encode() for k in range(33)} for w in "AB"}
    both = threading.Barrier(2)
    threads = [threading.Thread(target=lambda f=files: (both.wait(), write_files(f)), name=w)
               for w, files in sets.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    monkeypatch.undo()
    owners = {p.read_bytes().split()[0] for p in pages.iterdir()}
    assert len(owners) == 1, owners
    assert sorted(p.name for p in pages.iterdir()) == sorted(p.name for p in sets["A"])
