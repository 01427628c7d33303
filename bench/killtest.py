"""kill -9 at random times while main.py writes its file sets; every set must stay whole.

    .venv/bin/python bench/killtest.py [--kills 90] [--seed 1] [--keep DIR]

Five writers run as subprocesses of ``main.py``, each on its own folder: ``export-data``
(all four formats), ``report`` (PDF + XLSX), ``report --format png`` (a folder of
pages), ``print-map`` and ``save`` (30,000 imported outlets). Each writer first writes a
set once (the "old" set), and is timed writing another (T). Then, in random order (90
kills: 24 export-data, 10 report PDF+XLSX, 10 report PNG, 24 print-map, 22 save), each run is killed with
SIGKILL after a random delay in [0.25 T, 1.05 T] (so most kills land while pages are
drawn or files written, some after the run ended). After every kill the set on disk
must be either exactly the set before the run (every file's SHA-256 unchanged) or a
complete new set (the same file names, every file changed and readable by its own
reader: pypdf, openpyxl, Pillow, SQLite, json, pandas). Runs alternate between two
seeds, so a new set always differs from the old one. At the end each writer runs once
to completion and no ``.reach-tmp-*`` file may remain. Prints the tally; exit 1 if any
set was mixed or a temporary was left.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SIZE = ["--outlets", "2000", "--sites", "200"]
TMP = ".reach-tmp-"


def writers(base: Path, small: bool = False) -> dict[str, tuple[list[str], Path]]:
    """name -> (main.py arguments without the seed, the folder holding the set)."""
    formats = ["--format", "csv", "--format", "xlsx"] if small else []
    return {
        "export-data": (["export-data", "--out", str(base / "export-data"), *formats], base / "export-data"),
        "report-pdf": (["report", "--out", str(base / "report-pdf" / "pack.pdf"),
                        "--xlsx", str(base / "report-pdf" / "pack.xlsx")], base / "report-pdf"),
        "report-png": (["report", "--format", "png", "--out", str(base / "report-png")],
                       base / "report-png"),
        "print-map": (["print-map", "--dpi", "150", "--out", str(base / "print-map" / "map.png")],
                      base / "print-map"),
        "save": (["save", "--force", "--out", str(base / "save" / "plan.rpscenario.json")], base / "save"),
    }


def command(args: list[str], seed: int, sites_csv: Path) -> list[str]:
    extra = ["--sites", str(sites_csv)] if args[0] == "save" else SIZE
    return [PY, str(ROOT / "main.py"), *args, "--seed", str(seed), *extra]


def manifest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")}


def temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(TMP)] if folder.exists() else []


def readable(path: Path) -> bool:
    """The file opens with its own reader (a truncated file does not)."""
    try:
        suffix = path.suffix.lower()
        if suffix == ".pdf":
            from pypdf import PdfReader

            return len(PdfReader(path).pages) > 0
        if suffix == ".xlsx":
            from openpyxl import load_workbook

            load_workbook(path, read_only=True).close()
            return True
        if suffix == ".png":
            from PIL import Image

            with Image.open(path) as im:
                im.load()
            return True
        if suffix == ".gpkg":
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                return db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if suffix in (".geojson", ".json"):
            json.loads(path.read_text(encoding="utf-8"))
            return True
        if suffix == ".csv":
            import pandas as pd

            pd.read_csv(path)
            return True
    except Exception:
        return False
    return True


def classify(folder: Path, old: dict[str, str], constant: set[str]) -> str:
    """'old', 'new' or 'MIXED: …' for the set in ``folder``; ``constant`` files are the
    same for both seeds (they cannot tell old from new, but must be whole)."""
    now = manifest(folder)
    if now == old:
        return "old"
    if set(now) != set(old):
        return f"MIXED: names differ ({sorted(set(now) ^ set(old))[:4]})"
    same = [n for n in now if now[n] == old[n] and n not in constant]
    if same:
        return f"MIXED: {len(now) - len(same)} new and {len(same)} old files (e.g. {same[0]})"
    bad = [n for n in now if not readable(folder / n)]
    return f"MIXED: unreadable {bad[:3]}" if bad else "new"


def run(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr.strip()}")
    return time.perf_counter() - t0


def kill_after(cmd: list[str], delay: float) -> bool:
    """Start, SIGKILL after ``delay`` s; True if the process was still running."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    try:
        proc.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return True


ENV = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def make_sites(path: Path, n: int = 30_000) -> None:
    """A large outlet file, so a scenario save writes a few MB."""
    rng = random.Random(7)
    rows = ["name,lat,lon,type"] + [f"o{i},{rng.uniform(28, 36):.5f},{rng.uniform(105, 117):.5f},outlet"
                                    for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kills", type=int, default=90)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it")
    ap.add_argument("--only", action="append", help="only this writer (repeat for several)")
    ap.add_argument("--small", action="store_true",
                    help="a quick run (the test): export-data writes CSV + XLSX only, 300 outlets")
    a = ap.parse_args(argv)
    if a.small:
        SIZE[:] = ["--outlets", "300", "--sites", "40"]
    rng = random.Random(a.seed)
    base = a.keep or Path(tempfile.mkdtemp(prefix="killtest-"))
    base.mkdir(parents=True, exist_ok=True)
    sites = base / "sites.csv"
    make_sites(sites, 3000 if a.small else 30_000)
    ws = {n: w for n, w in writers(base, a.small).items() if not a.only or n in a.only}
    seed_on_disk, span, old, constant = {}, {}, {}, {}
    for name, (args, folder) in ws.items():
        folder.mkdir(exist_ok=True)
        run(command(args, 2, sites))
        two = manifest(folder)
        span[name] = run(command(args, 1, sites))  # timed
        seed_on_disk[name], old[name] = 1, manifest(folder)
        constant[name] = {n for n in two if two[n] == old[name].get(n)}
        print(f"{name}: {len(old[name])} files ({len(constant[name])} the same for both seeds), "
              f"one run {span[name]:.1f} s", flush=True)
    tally = {"kills": 0, "killed while running": 0, "finished before the kill": 0,
             "temporaries seen after a kill": 0, "old": 0, "new": 0, "mixed": 0}
    most_tmp = 0
    # The report's pages take ~95% of its run and the writing the rest: fewer kills there keep
    # the whole test under an hour on a shared 2-core machine.
    weights = {"export-data": 24, "report-pdf": 10, "report-png": 10, "print-map": 24, "save": 22}
    names = [n for n, w in weights.items() if n in ws for _ in range(w)]
    rng.shuffle(names)
    names = (names * (a.kills // len(names) + 1))[:a.kills]
    for k, name in enumerate(names):
        args, folder = ws[name]
        seed = 3 - seed_on_disk[name]
        delay = rng.uniform(0.25, 1.05) * span[name]
        running = kill_after(command(args, seed, sites), delay)
        tally["kills"] += 1
        tally["killed while running" if running else "finished before the kill"] += 1
        tmp = temporaries(folder)
        if tmp:
            tally["temporaries seen after a kill"] += 1
            most_tmp = max(most_tmp, sum(p.stat().st_size for p in tmp if p.is_file()))
        state = classify(folder, old[name], constant[name])
        print(f"  kill {k + 1} {name} after {delay:.1f} s: {'killed' if running else 'finished'}, "
              f"{len(tmp)} temporaries, set {state}", flush=True)
        tally["mixed" if state.startswith("MIXED") else state] += 1
        if state == "new":
            seed_on_disk[name] = seed
        old[name] = manifest(folder)
    left = []
    for name, (args, folder) in ws.items():  # one whole write each: stale temporaries go
        run(command(args, 3 - seed_on_disk[name], sites))
        left += temporaries(folder)
    if a.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    print("kill -9 tally: " + ", ".join(f"{k} {v}" for k, v in tally.items()))
    print(f"largest temporaries left by one kill: {most_tmp / 1e6:.1f} MB (removed by the next write)")
    print(f"temporaries left after the final writes: {len(left)}")
    return 1 if tally["mixed"] or left else 0


if __name__ == "__main__":
    sys.exit(main())
