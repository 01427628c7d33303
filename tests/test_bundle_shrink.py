"""packaging/shrink.py: what build.sh does to the bundle after PyInstaller (strip, links)."""
from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
import shrink  # noqa: E402

SITE = Path(pytest.__file__).resolve().parents[1]  # the venv's site-packages


def elf(*segments: tuple[int, int, int]) -> bytes:
    """A 64-bit ELF header and program headers: PT_LOAD (offset, vaddr, align) each."""
    head = bytearray(64)
    head[:6] = b"\x7fELF\x02\x01"
    struct.pack_into("<Q", head, 32, 64)
    struct.pack_into("<HH", head, 54, 56, len(segments))
    ph = b"".join(struct.pack("<IIQQQQQQ", 1, 5, off, vaddr, vaddr, 16, 16, align)
                  for off, vaddr, align in segments)
    return bytes(head) + ph


def test_load_segments_are_checked_as_the_loader_does():
    assert shrink.loadable(elf((0, 0, 0x1000), (0x3000, 0x203000, 0x1000)))
    # a segment moved off its page (what strip does to some patchelf-ed libraries)
    assert not shrink.loadable(elf((0, 0, 0x1000), (0x2f40, 0x203000, 0x1000)))
    assert not shrink.loadable(elf((0, 0, 0x1000), (0x3000, 0x204000, 0x200000)))
    assert not shrink.loadable(b"#!/bin/sh\n" + bytes(100))


def _copy(pattern: str, folder: Path) -> Path:
    found = sorted(SITE.glob(pattern))
    assert found, pattern
    return Path(shutil.copy2(found[0], folder))


def test_strip_shrinks_a_library_and_it_still_imports(tmp_path):
    ext = _copy("kiwisolver/_cext.cpython-*.so", tmp_path)
    before = ext.stat().st_size
    assert shrink.strip_file(ext) > 0 and ext.stat().st_size < before
    code = "import importlib.util as u, sys; s = u.spec_from_file_location('kiwisolver._cext', sys.argv[1]); " \
           "m = u.module_from_spec(s); s.loader.exec_module(m); print(m.Variable('x').name())"
    out = subprocess.run([sys.executable, "-c", code, str(ext)], capture_output=True, text=True)
    assert out.stdout.strip() == "x", out.stderr


def test_strip_leaves_a_library_it_would_break(tmp_path):
    """numpy's OpenBLAS: strip moves a segment off its page; the file stays as it was."""
    lib = _copy("numpy.libs/libscipy_openblas*.so", tmp_path)
    data = lib.read_bytes()
    assert shrink.loadable(data)
    assert shrink.strip_file(lib) == 0
    assert lib.read_bytes() == data and not list(tmp_path.glob("*.stripping"))


def _proj_db(path: Path, minor: int) -> Path:
    path.parent.mkdir(parents=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE metadata (key TEXT, value TEXT)")
    con.executemany("INSERT INTO metadata VALUES (?, ?)",
                    [("DATABASE.LAYOUT.VERSION.MAJOR", "1"), ("DATABASE.LAYOUT.VERSION.MINOR", str(minor)),
                     ("PROJ.VERSION", f"9.{minor}")])
    con.commit()
    con.close()
    return path


def test_proj_db_is_shared_with_the_newest_layout(tmp_path):
    old = _proj_db(tmp_path / "pyproj/proj_dir/share/proj/proj.db", 4)
    new = _proj_db(tmp_path / "pyogrio/proj_data/proj.db", 6)
    assert shrink.share_proj_db(tmp_path) == new.stat().st_size
    assert old.is_symlink() and old.resolve() == new.resolve() and not new.is_symlink()
    con = sqlite3.connect(old)  # opened through the link
    assert con.execute("SELECT value FROM metadata WHERE key = 'PROJ.VERSION'").fetchone() == ("9.6",)
    con.close()


def test_identical_files_become_relative_links(tmp_path):
    blob = bytes(range(256)) * 400
    for name in ("numpy.libs/libgfortran.so.5", "scipy.libs/libgfortran.so.5"):
        (tmp_path / name).parent.mkdir()
        (tmp_path / name).write_bytes(blob)
    (tmp_path / "other.so").write_bytes(blob[:-1] + b"x")  # same size, other content
    assert shrink.link_duplicates(tmp_path) == len(blob)
    link = tmp_path / "scipy.libs/libgfortran.so.5"
    assert link.is_symlink() and str(link.readlink()) == "../numpy.libs/libgfortran.so.5"
    assert link.read_bytes() == blob and not (tmp_path / "other.so").is_symlink()


def test_icu_data_rebuilt_with_english_and_chinese_only(tmp_path):
    """Chinese pinyin collation stays; Swedish collation (a locale dropped) falls back to root.

    Needs icu-devtools, gcc and binutils, as build.sh does (.ci/install installs them)."""
    assert all(shutil.which(t) for t in shrink.ICU_TOOLS), shrink.ICU_TOOLS
    lib_dir = tmp_path / "PySide6/Qt/lib"
    lib_dir.mkdir(parents=True)
    lib = _copy("PySide6/Qt/lib/libicudata.so.*", lib_dir)
    before = lib.stat().st_size
    assert shrink.trim_icu_data(tmp_path) == before - lib.stat().st_size > before // 2
    code = ("from PySide6.QtCore import QCollator, QLocale, QCoreApplication as A; a = A([]); "
            "print(sorted(['上海', '北京', '安徽', '重庆'], key=QCollator(QLocale('zh_CN')).sortKey), "
            "sorted(['ä', 'z', 'a'], key=QCollator(QLocale('sv_SE')).sortKey))")
    env = {"LD_PRELOAD": str(lib), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "['安徽', '北京', '重庆', '上海'] ['a', 'ä', 'z']", out.stderr
    assert not (tmp_path.parent / "build-icu").exists()


def test_size_check_fails_above_the_ceiling_and_counts_links_as_nothing(tmp_path, capsys):
    import bundle_size

    (tmp_path / "_internal").mkdir()
    (tmp_path / "_internal/lib.so").write_bytes(bytes(3_000_000))
    (tmp_path / "_internal/copy.so").symlink_to("lib.so")
    assert bundle_size.main([str(tmp_path), "--max-mb", "3.5"]) == 0
    assert "3 MB unpacked in 1 files" in capsys.readouterr().out
    assert bundle_size.main([str(tmp_path), "--max-mb", "2"]) == 1
    assert "over the 2 MB ceiling" in capsys.readouterr().err
    # issue 20's budget: 750 MB unpacked, 280 MB as .tar.gz; the build fails above either
    assert bundle_size.BUDGET_MB == 750 and bundle_size.CEILING_MB == 750 and bundle_size.TARGZ_BUDGET_MB == 280


def test_size_check_fails_when_the_tar_gz_is_over_its_ceiling(tmp_path, capsys):
    import bundle_size

    (tmp_path / "_internal").mkdir()
    (tmp_path / "_internal/noise.bin").write_bytes(np.random.default_rng(0).bytes(2_000_000))  # incompressible
    (tmp_path / "_internal/zeros.bin").write_bytes(bytes(5_000_000))  # compresses to almost nothing
    assert 2_000_000 < bundle_size.targz_size(tmp_path) < 2_100_000
    assert bundle_size.main([str(tmp_path), "--max-targz-mb", "3"]) == 0
    assert "tar.gz: 2 MB" in capsys.readouterr().out
    assert bundle_size.main([str(tmp_path), "--max-targz-mb", "1.5"]) == 1
    assert "the .tar.gz, 2 MB, is over the 1.5 MB ceiling" in capsys.readouterr().err


def _cc(folder: Path, name: str, code: str, *libs: Path) -> Path:
    """A shared library built from C source with gcc (as build.sh needs it for the ICU data)."""
    src = folder / f"{name}.c"
    src.write_text(code)
    out = folder / name
    link = [a for lib in libs for a in (f"-L{lib.parent}", f"-l:{lib.name}")]
    subprocess.run(["gcc", "-shared", "-fPIC", f"-Wl,-soname,{name}", "-o", str(out), str(src), *link],
                   check=True, capture_output=True)
    return out


def test_an_older_vendored_copy_links_to_the_newer_one_only_when_it_has_every_symbol(tmp_path):
    assert shutil.which("gcc")
    a, b, c = (tmp_path / d for d in ("a.libs", "b.libs", "c.libs"))
    for d in (a, b, c):
        d.mkdir()
    old = _cc(a, "libfoo-0123abcd.so.1.2.0", "int foo(void) { return 1; }\nint gone(void) { return 2; }\n")
    new = _cc(b, "libfoo-89abcdef.so.1.3.0", "int foo(void) { return 1; }\nint bar(void) { return 3; }\n")
    user = _cc(tmp_path, "user.so", "int foo(void);\nint use(void) { return foo(); }\n", old)
    assert shrink.dynamic_symbols(user)[1] >= {"foo"} and "foo" in shrink.dynamic_symbols(new)[0]
    size = old.stat().st_size
    assert shrink.share_libraries(tmp_path, ("libfoo",)) == size
    assert old.is_symlink() and str(old.readlink()) == "../b.libs/libfoo-89abcdef.so.1.3.0"
    # a user of a symbol the newer copy lacks keeps its copy
    older = _cc(c, "libbaz-0123abcd.so.2.0", "int baz(void) { return 1; }\nint gone(void) { return 2; }\n")
    _cc(b, "libbaz-89abcdef.so.2.1", "int baz(void) { return 1; }\n")
    _cc(tmp_path, "user2.so", "int gone(void);\nint use2(void) { return gone(); }\n", older)
    assert shrink.share_libraries(tmp_path, ("libbaz",)) == 0 and not older.is_symlink()


def test_libraries_and_proj_db_that_only_one_wheel_ships_are_left_alone(tmp_path, monkeypatch):
    """The bundle since rasterio left it: shapely's GEOS and pyproj's PROJ and proj.db are the
    only copies, so both steps change nothing (and need not even read the symbols)."""
    libs = []
    for wheel, pattern in (("shapely.libs", "libgeos*.so.*"), ("pyproj.libs", "libproj-*.so.*")):
        (tmp_path / wheel).mkdir()
        libs += [Path(shutil.copy2(p, tmp_path / wheel)) for p in sorted((SITE / wheel).glob(pattern))]
    assert len(libs) == 3 and {shrink._VENDORED.match(p.name)["base"] for p in libs} == set(shrink.SHARED_LIBRARIES)
    db = _proj_db(tmp_path / "pyproj/proj_dir/share/proj/proj.db", 4)
    monkeypatch.setattr(shrink, "dynamic_symbols", lambda path: pytest.fail(f"read {path}"))
    assert shrink.share_libraries(tmp_path) == 0 and shrink.share_proj_db(tmp_path) == 0
    assert not any(p.is_symlink() for p in [*libs, db])


CHROMIUM_ICU_PROBE = """
import sys
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QApplication

JS = ("[new Intl.NumberFormat('zh-CN').format(1234567.5),"
      " ['上海', '北京', '安徽', '重庆'].sort(new Intl.Collator('zh').compare).join(' '),"
      " Array.from(new Intl.Segmenter('zh', {granularity: 'word'}).segment('我们在北京开会'))"
      ".map(s => s.segment).join('|'),"
      " new Intl.NumberFormat('en-US', {style: 'unit', unit: 'kilometer'}).format(12.5),"
      " new Intl.NumberFormat('de-DE').format(1234567.5)].join(' / ')")
app = QApplication(sys.argv)
page = QWebEnginePage()
page.loadFinished.connect(lambda ok: page.runJavaScript(JS, 0, lambda r: (print(r, flush=True), app.quit())))
page.setHtml("<html><body>x</body></html>", QUrl("about:blank"))
QTimer.singleShot(60000, app.quit)
app.exec()
"""


@pytest.mark.qt
def test_chromium_icu_data_keeps_chinese_and_english_for_the_page(tmp_path):
    """Pinyin order, Chinese word breaks (the CJ dictionary) and unit formats survive in the
    web page; German number format (a dropped locale) falls back to root, which shows that
    the page really ran on the filtered file."""
    import PySide6

    res = tmp_path / "_internal/PySide6/Qt/resources"
    res.mkdir(parents=True)
    for f in (Path(PySide6.__file__).parent / "Qt/resources").iterdir():
        (res / f.name).symlink_to(f)
    (res / "icudtl.dat").unlink()
    shutil.copy2(Path(PySide6.__file__).parent / "Qt/resources/icudtl.dat", res / "icudtl.dat")
    before = (res / "icudtl.dat").stat().st_size
    assert shrink.trim_chromium_icu(tmp_path / "_internal") == before - (res / "icudtl.dat").stat().st_size
    assert (res / "icudtl.dat").stat().st_size < 0.7 * before
    probe = tmp_path / "probe.py"
    probe.write_text(CHROMIUM_ICU_PROBE, encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox",
           "QTWEBENGINE_RESOURCES_PATH": str(res)}
    out = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, env=env, timeout=120)
    want = "1,234,567.5 / 安徽 北京 重庆 上海 / 我们|在|北京|开会 / 12.5 km / 1,234,567.5"
    assert out.stdout.strip() == want, out.stderr
