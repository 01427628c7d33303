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
- Shared libraries: when two wheels vendor PROJ or GEOS of the same soname (rasterio did, next
  to pyproj and shapely, while it was bundled), the older copy becomes a link to the newer one
  when the newer defines every symbol the older one's users take from it (the loader maps a
  file once, whatever name it is reached by). A library only one wheel carries is left alone:
  with rasterio out of the bundle this step finds nothing to share.
- proj.db: when several wheels ship PROJ's database (10 MB each), PROJ reads a database whose
  layout is the same or newer than its own, so the newest serves them all (one copy: as is).
- ICU data: Qt's libicudata (32 MB) is rebuilt with the items trim.keep_icu_item keeps
  (English, Chinese, root, converters: 13 MB) with ICU's own tools: the blob is cut out of
  the library, filtered by icupkg, turned back into assembly by genccode, linked by gcc.
  Chromium's own ICU package (``icudtl.dat``, 10.5 MB, read from the file) is filtered by
  icupkg alike, keeping the unit tables (JavaScript's Intl formats units).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from trim import ICU_DROPPED_TREES, keep_icu_item

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


# Vendored (auditwheel) libraries one copy of which serves every wheel: C ABIs that keep their
# soname across the versions the wheels carry. Others (libtiff, libjpeg, OpenSSL) differ in
# build options between wheels and stay as they are.
SHARED_LIBRARIES = ("libproj", "libgeos_c", "libgeos")
_VENDORED = re.compile(r"(?P<base>lib[A-Za-z0-9_+]+?)-[0-9a-f]{8}\.so\.(?P<version>\d+(\.\d+)*)$")


def dynamic_symbols(path: Path) -> tuple[set[str], set[str]]:
    """(defined, undefined) dynamic symbol names of an ELF file, from readelf."""
    out = subprocess.run(["readelf", "--dyn-syms", "-W", str(path)], capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 8 and f[0].endswith(":") and f[0][:-1].isdigit():
            name = f[7].split("@")[0]
            (undefined if f[6] == "UND" else defined).add(name)
    return defined, undefined


def _needed_by(root: Path) -> dict[Path, set[str]]:
    from trim import needed

    return {p: needed(str(p)) for p in _elf_files(root)}


def share_libraries(root: Path, names: tuple[str, ...] = SHARED_LIBRARIES) -> int:
    """Older vendored copies of the libraries in ``names`` become links to the newest copy of
    the same soname when it defines what their users need; bytes saved."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for p in sorted(root.glob("*.libs/*")):
        m = _VENDORED.match(p.name)
        if m and m["base"] in names and p.is_file() and not p.is_symlink():
            groups.setdefault((m["base"], m["version"].split(".")[0]), []).append(p)
    needs = _needed_by(root) if any(len(g) > 1 for g in groups.values()) else {}
    saved = 0
    for copies in groups.values():
        if len(copies) < 2:  # one wheel ships it (all of them since rasterio left the bundle)
            continue
        newest = max(copies, key=lambda p: tuple(int(v) for v in _VENDORED.match(p.name)["version"].split(".")))
        offered = dynamic_symbols(newest)[0]
        for old in copies:
            if old == newest:
                continue
            taken = set().union(*(dynamic_symbols(u)[1] for u, ns in needs.items() if old.name in ns))
            if not (taken & dynamic_symbols(old)[0]) - offered:
                saved += old.stat().st_size
                _symlink(old, newest)
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


def _icupkg(*args: str | Path, cwd: Path) -> str:
    """icupkg's output. Items may refer to items missing from the package (Chromium's ships
    that way; the dropped dictionaries are named by the break rules): ICU falls back when
    it opens them, so --ignore-deps, and exit status 2 (the warning) is no failure."""
    done = subprocess.run(["icupkg", *map(str, args)], cwd=cwd, capture_output=True, text=True)
    if done.returncode not in (0, 2):
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)
    return done.stdout


def _icu_drop_list(work: Path, dat: Path, trees: tuple[str, ...]) -> Path:
    """Writes the names of the items keep_icu_item drops, for ``icupkg -r``."""
    items = _icupkg("-l", dat.name, cwd=work).split()
    drop = work / "drop.txt"
    drop.write_text("\n".join(i for i in items if not keep_icu_item(i, trees)) + "\n")
    return drop


def trim_chromium_icu(root: Path) -> int:
    """Filter QtWebEngine's icudtl.dat in place; bytes saved (0 without icupkg)."""
    files = [p for p in root.glob("PySide6/Qt/resources/icudtl.dat") if not p.is_symlink()]
    if not files or not shutil.which("icupkg"):
        return 0
    dat = files[0]
    head = dat.read_bytes()[:1 << 16]
    found = re.search(rb"(icudt\d+[lb])/", head)
    if not found:
        return 0
    work = root.parent / "build-icu"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        name = f"{found[1].decode()}.dat"  # icupkg wants the package's own name
        shutil.copy2(dat, work / name)
        _icu_drop_list(work, work / name, ())
        (work / "out").mkdir()
        _icupkg("--ignore-deps", "-r", "drop.txt", name, Path("out") / name, cwd=work)
        saved = dat.stat().st_size - (work / "out" / name).stat().st_size
        os.replace(work / "out" / name, dat)
        return saved
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
        _icu_drop_list(work, dat, ICU_DROPPED_TREES)
        (work / "out").mkdir()
        _icupkg("--ignore-deps", "-r", "drop.txt", dat.name, Path("out") / dat.name, cwd=work)
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
    icu = trim_icu_data(root) + trim_chromium_icu(root)
    stripped, kept = strip_libraries(root)
    libs = share_libraries(root)
    shared = share_proj_db(root)
    linked = link_duplicates(root)
    print(f"shrink: strip {stripped / 1e6:.1f} MB ({len(kept)} files left as they were), "
          f"ICU data {icu / 1e6:.1f} MB, libraries shared {libs / 1e6:.1f} MB, "
          f"proj.db shared {shared / 1e6:.1f} MB, "
          f"identical files linked {linked / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "dist/ReachPlanner"))
