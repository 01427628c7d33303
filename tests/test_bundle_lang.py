"""Issue 24: every CLI verb that takes ``--lang`` speaks the same language in the desktop
bundle as in the source install.

The bundle once printed English print maps when asked for Chinese, with exit 0: the
packaging rules (``packaging/trim.py``) left out the translation catalogue that the Qt-free
map code reads. So each verb runs here twice per language: from the source install, and
from a copy of the package holding only the files the bundle's rules keep (the bundle's
code path, without the 4-minute PyInstaller build). Where CI has built the real bundle
(``dist/ReachPlanner``, built by ``.ci/run`` before the tests), it runs that too.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "packaging"))
import trim  # noqa: E402

pytestmark = pytest.mark.slow

BUNDLE = ROOT / "dist" / "ReachPlanner" / "ReachPlanner"
CJK = re.compile(r"[\u4e00-\u9fff]")
# What a Chinese print map must say, and what an English one says instead.
ZH_MARKERS = ("南海诸岛", "服务网点")
EN_MARKERS = ("South China Sea Islands", "Service outlet")


def bundle_like_package(dest: Path) -> Path:
    """``dest/reach_planner``: the app's modules and the resources the bundle's rules keep."""
    pkg = dest / "reach_planner"
    for path in sorted(ROOT.rglob("*")):
        rel = path.relative_to(ROOT).as_posix()
        if not path.is_file() or rel.startswith((".", "dist/", "build/", "tests/", "bench/", "packaging/")):
            continue
        if rel.endswith(".py") and "/" in rel and not rel.startswith("resources/"):
            pass  # geo/, ui/ modules
        elif rel in ("__init__.py", "main.py"):
            pass
        elif not (rel.startswith("resources/") and trim.keep(rel, source=True)):
            continue
        if "__pycache__" in rel or ".venv" in rel:
            continue
        target = pkg / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return dest


@pytest.fixture(scope="module")
def runners(tmp_path_factory):
    """name -> argv prefix that runs the CLI: source, bundle-like, and the built bundle if any."""
    copy = bundle_like_package(tmp_path_factory.mktemp("bundle_like"))
    out = {
        "source": [sys.executable, str(ROOT / "main.py")],
        "bundle-like": [sys.executable, "-c",
                        f"import sys; sys.path.insert(0, {str(copy)!r}); "
                        "from reach_planner.main import main; sys.exit(main())"],
    }
    if os.environ.get("CI") and not BUNDLE.exists():
        pytest.fail("CI builds the bundle before the tests, but dist/ReachPlanner is missing")
    if BUNDLE.exists():
        out["bundle"] = [str(BUNDLE)]
    return out


def run(argv: list[str], *args: str) -> None:
    proc = subprocess.run([*argv, *args], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stderr.strip() == "", proc.stderr[-2000:]


def text_of(path: Path) -> str:
    """The words a reader finds: PDF text, or the SVG's text comments (glyphs are paths)."""
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    svg = path.read_text(encoding="utf-8")  # glyphs as paths keep the words in comments,
    texts = re.findall(r"<!-- (.*?) -->", svg)  # names as <text> keep them in the element
    texts += [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]
    return html.unescape("\n".join(texts))


def language_of(text: str) -> str:
    if all(m in text for m in ZH_MARKERS) and len(CJK.findall(text)) > 20:
        return "zh"
    if all(m in text for m in EN_MARKERS) and not CJK.search(text):
        return "en"
    return "mixed"


@pytest.mark.parametrize("fmt", ["pdf", "svg"])
def test_print_map_text_is_in_the_language_asked_for_everywhere(runners, tmp_path, fmt):
    for name, argv in runners.items():
        for lang in ("en", "zh"):
            out = tmp_path / f"{name}-{lang}.{fmt}"
            run(argv, "print-map", "--out", str(out), "--lang", lang, "--dpi", "72")
            assert language_of(text_of(out)) == lang, f"{name} print-map --lang {lang} ({fmt})"
    # the same words as the source install, to the letter
    for lang in ("en", "zh"):
        source = text_of(tmp_path / f"source-{lang}.{fmt}")
        for name in runners:
            assert text_of(tmp_path / f"{name}-{lang}.{fmt}") == source, name


def test_print_map_png_is_the_source_install_picture(runners, tmp_path):
    pictures = {}
    for name, argv in runners.items():
        for lang in ("en", "zh"):
            out = tmp_path / f"{name}-{lang}.png"
            run(argv, "print-map", "--out", str(out), "--lang", lang, "--dpi", "72")
            pictures[name, lang] = np.asarray(Image.open(out).convert("RGB"), dtype=np.int16)
    # en and zh pictures differ (the legend and title are other words) ...
    assert np.abs(pictures["source", "en"] - pictures["source", "zh"]).mean() > 0.5
    # ... and every runtime draws the source install's picture in each language
    for (name, lang), pic in pictures.items():
        assert pic.shape == pictures["source", lang].shape
        assert np.abs(pic - pictures["source", lang]).mean() < 0.05, f"{name} --lang {lang}"


def test_report_pack_is_in_the_language_asked_for_everywhere(runners, tmp_path):
    for name, argv in runners.items():
        for lang in ("en", "zh"):
            out = tmp_path / f"{name}-{lang}.pdf"
            run(argv, "report", "--out", str(out), "--lang", lang, "--seed", "7", "--outlets", "3000",
                "--sites", "500")
            first = PdfReader(out).pages[0].extract_text()
            has_cjk = len(CJK.findall(first)) > 20
            assert has_cjk == (lang == "zh"), f"{name} report --lang {lang}: {first[:200]!r}"


def test_a_missing_catalogue_is_an_error_not_english(tmp_path, monkeypatch):
    from reach_planner.ui.maps import texts

    monkeypatch.setitem(texts.CATALOGUES, "zh", tmp_path / "gone.ts")
    texts.catalogue.cache_clear()
    try:
        with pytest.raises(texts.MissingCatalogue, match="zh translations are missing"):
            texts.Texts("zh")
    finally:
        texts.catalogue.cache_clear()


def test_the_bundle_keeps_every_translation_file():
    for path in sorted((ROOT / "resources" / "i18n").iterdir()):
        assert trim.keep(path.relative_to(ROOT).as_posix(), source=True), path.name
