"""Shrink the built bundle in place (Linux): strip what strip can safely strip, link copies.

    python packaging/shrink.py dist/ReachPlanner

Run by build.sh after PyInstaller; tested in tests/test_selftest.py.

- Strip: the wheels' libraries and extension modules carry their symbol tables (~60 MB).
  ``strip --strip-unneeded`` keeps the dynamic symbols the loader needs, but on a library that
  auditwheel rewrote with patchelf it can move a segment off its page alignment, and the
  loader then refuses it ("ELF load command address/offset not page-aligned": this is what
  broke numpy's OpenBLAS in a blanket strip). Each file is stripped into a copy, the copy's
  load segments are checked the way the loader checks them, and it replaces the original only
  when they pass.
- Copies: numpy and scipy ship the same libgfortran and libquadmath; a copy becomes a
  relative symlink to the first.
- proj.db: pyproj and pyogrio each ship PROJ's database (10 MB each). PROJ reads a database
  whose layout is the same or newer than its own, so the newest serves both.
- ICU data: Qt's libicudata (32 MB) is rebuilt with the items trim.keep_icu_item keeps
  (English, Chinese, root, converters: 13 MB) with ICU's own tools: the blob is cut out of
  the library, filtered by icupkg, turned back into assembly by genccode, linked by gcc.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from trim import keep_icu_item

PAGE = 4096
PT_LOAD = 1
MIN_LINKED = 64 * 1024  # smaller copies are not worth a symlink


def load_segments(data: bytes) -> list[tuple[int, int, int]] | None:
    """(offset, vaddr, align) of each PT_LOAD of a 64-bit little-endian ELF; None if not one."""
    if len(data) < 64 or data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    out = []
    for i in range(phnum):
        start = phoff + i * phentsize
        if start + 56 > len(data):
            return None
        typ, _flags, off, vaddr, _paddr, _filesz, _memsz, align = struct.unpack_from("<IIQQQQQQ", data, start)
        if typ == PT_LOAD:
            out.append((off, vaddr, align))
    return out


def loadable(data: bytes) -> bool:
    """The loader's own checks on load segments (glibc's _dl_map_object_from_fd)."""
    segments = load_segments(data)
    if not segments:
        return False
    for off, vaddr, align in segments:
        if (vaddr - off) % PAGE or (align > 1 and ((align & (align - 1)) or (vaddr - off) % align)):
            return False
    return True


def _elf_files(root: Path) -> Iterator[Path]:
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            with p.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield p


def strip_file(path: Path, strip: str = "strip") -> int:
    """Bytes saved (0 when strip had nothing to do or its result would not load)."""
    tmp = path.with_name(path.name + ".stripping")
    shutil.copy2(path, tmp)
    try:
        done = subprocess.run([strip, "--strip-unneeded", str(tmp)], capture_output=True).returncode == 0
        saved = path.stat().st_size - tmp.stat().st_size
        if not done or saved <= 0 or not loadable(tmp.read_bytes()):
            return 0
        os.replace(tmp, path)
        return saved
    finally:
        tmp.unlink(missing_ok=True)


def strip_libraries(root: Path, strip: str = "strip") -> tuple[int, list[Path]]:
    """Strip every ELF file under root; returns bytes saved and the files left as they were."""
    saved, kept = 0, []
    for p in _elf_files(root):
        s = strip_file(p, strip)
        saved += s
        if not s:
            kept.append(p)
    return saved, kept


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _symlink(path: Path, target: Path) -> None:
    path.unlink()
    path.symlink_to(os.path.relpath(target, path.parent))


def link_duplicates(root: Path) -> int:
    """Identical files (>= 64 KB) become relative symlinks to the first one; bytes saved."""
    by_size: dict[int, list[Path]] = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink() and p.stat().st_size >= MIN_LINKED:
            by_size.setdefault(p.stat().st_size, []).append(p)
    saved = 0
    for size, paths in by_size.items():
        first: dict[str, Path] = {}
        for p in paths:
            d = _digest(p)
            if d in first:
                _symlink(p, first[d])
                saved += size
            else:
                first[d] = p
    return saved


def _layout(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        meta = dict(con.execute("SELECT key, value FROM metadata WHERE key LIKE 'DATABASE.LAYOUT.VERSION.%'"))
    finally:
        con.close()
    return int(meta["DATABASE.LAYOUT.VERSION.MAJOR"]), int(meta["DATABASE.LAYOUT.VERSION.MINOR"])


def share_proj_db(root: Path) -> int:
    """Every proj.db of the same layout major version links to the newest one; bytes saved."""
    dbs = [p for p in sorted(root.rglob("proj.db")) if not p.is_symlink()]
    saved = 0
    for major in {_layout(p)[0] for p in dbs}:
        same = [p for p in dbs if _layout(p)[0] == major]
        newest = max(same, key=lambda p: _layout(p)[1])
        for p in same:
            if p != newest:
                saved += p.stat().st_size
                _symlink(p, newest)
    return saved


ICU_TOOLS = ("icupkg", "genccode", "gcc", "objcopy")


def _run(*cmd: str | Path, cwd: Path) -> str:
    return subprocess.run([str(c) for c in cmd], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _icu_blob(lib: Path, work: Path) -> tuple[str, Path]:
    """The ICU common data package inside libicudata: (symbol, path of the .dat cut out)."""
    symbols = _run("readelf", "-s", "-W", lib, cwd=work)
    name, addr, size = next((f[7], int(f[1], 16), int(f[2], 0)) for f in (line.split() for line in symbols.splitlines())
                            if len(f) == 8 and f[7].startswith("icudt") and f[7].endswith("_dat"))
    sections = _run("readelf", "-S", "-W", lib, cwd=work)
    start = next(int(line.split(".rodata")[1].split()[1], 16) for line in sections.splitlines()
                 if " .rodata " in line)
    rodata = work / "rodata.bin"
    _run("objcopy", "-O", "binary", "--only-section=.rodata", lib, rodata, cwd=work)
    dat = work / f"{name.removesuffix('_dat')}l.dat"  # icudt73l.dat: little-endian package
    dat.write_bytes(rodata.read_bytes()[addr - start:addr - start + size])
    return name, dat


def trim_icu_data(root: Path) -> int:
    """Rebuild Qt's libicudata with the kept items only; bytes saved (0 without the tools)."""
    libs = [p for p in root.glob("PySide6/Qt/lib/libicudata.so*") if not p.is_symlink()]
    missing = [t for t in ICU_TOOLS if not shutil.which(t)]
    if not libs or missing:
        if libs:
            print(f"shrink: ICU data left whole (missing {', '.join(missing)}: apt icu-devtools gcc binutils)")
        return 0
    lib = libs[0].resolve()
    work = lib.parents[4] / "build-icu"  # next to _internal
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        symbol, dat = _icu_blob(lib, work)
        pkg = dat.stem  # icudt73l: icupkg names the items "icudt73l/coll/zh.res"
        items = _run("icupkg", "-l", dat.name, cwd=work).split()
        dropped = [i for i in items if not keep_icu_item(i)]
        (work / "drop.txt").write_text("\n".join(dropped) + "\n")
        (work / "out").mkdir()
        _run("icupkg", "-r", "drop.txt", dat.name, Path("out") / dat.name, cwd=work)
        _run("genccode", "-a", "gcc", "-e", symbol.removesuffix("_dat"), dat.name, cwd=work / "out")
        soname = next(line.split("[")[1].rstrip("]") for line in _run("readelf", "-d", lib, cwd=work).splitlines()
                      if "(SONAME)" in line)
        built = work / "out" / soname
        _run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", built, f"{pkg}_dat.S", cwd=work / "out")
        saved = lib.stat().st_size - built.stat().st_size
        os.replace(built, lib)
        return saved
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(folder: str) -> int:
    # _internal only: the executable carries the code archive, which strip would cut off.
    root = Path(folder) / "_internal"
    icu = trim_icu_data(root)
    stripped, kept = strip_libraries(root)
    shared = share_proj_db(root)
    linked = link_duplicates(root)
    print(f"shrink: strip {stripped / 1e6:.1f} MB ({len(kept)} files left as they were), "
          f"ICU data {icu / 1e6:.1f} MB, proj.db shared {shared / 1e6:.1f} MB, "
          f"identical files linked {linked / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist/ReachPlanner"))
