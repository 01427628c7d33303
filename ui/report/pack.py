"""Build a report pack: every page drawn, then written in one go (PDF with an outline,
or one PNG per page), so a failure or a cancel leaves nothing half-written.
"""
from __future__ import annotations

import functools
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from reach_planner.geo.atomic import check_target
from reach_planner.geo.fileset import FileSet
from reach_planner.geo.scenario import ScenarioResult
from reach_planner.ui.maps.fonts import cjk_font, fonts_for
from reach_planner.ui.report.figures import province_figures
from reach_planner.ui.report.options import ReportOptions
from reach_planner.ui.report.pages import national_page, province_page, table_page
from reach_planner.ui.report.texts import TEXT

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class PageSpec:
    """What one page is, before it is drawn: its file stem and its bookmark."""

    key: str  # "00-national", "11-beijing", ..., "99-table"
    bookmark: str


def _noop(_pct: int, _msg: str) -> None:
    return None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def page_specs(result: ScenarioResult, lang: str) -> list[PageSpec]:
    t = TEXT[lang]
    specs = [PageSpec("00-national", t["bookmark_national"])]
    for p in result.summary.provinces:
        name = p.name_zh if lang == "zh" else p.name_en
        specs.append(PageSpec(f"{p.gb_code:02d}-{_slug(p.name_en)}", f"{p.gb_code} {name}"))
    specs.append(PageSpec("99-table", t["bookmark_table"]))
    return specs


def iter_pages(result: ScenarioResult, opts: ReportOptions) -> Iterator[Figure]:
    """The pages in order, drawn one at a time (a caller keeps at most one in memory)."""
    fonts = fonts_for(opts.lang)
    total = len(result.summary.provinces) + 2
    yield national_page(result, opts, fonts, 1, total)
    for i, pf in enumerate(province_figures(result)):
        yield province_page(result, pf, opts, fonts, i + 2, total)
    yield table_page(result, opts, fonts, total, total)


def check_report_target(out: str | os.PathLike[str], fmt: str) -> Path:
    """A bad destination is refused before any drawing, in one line."""
    if fmt == "pdf":
        return check_target(out, {".pdf": "pdf"}, "report format")[0]
    p = Path(out).expanduser()
    if p.exists() and not p.is_dir():
        raise ValueError(f"{p}: exists and is not a folder (PNG pages go into a folder)")
    parent = p if p.is_dir() else p.parent
    if not parent.is_dir():
        raise ValueError(f"{p}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"{p}: folder {parent} is not writable")
    return p


def write_report(result: ScenarioResult, opts: ReportOptions, out: str | os.PathLike[str],
                 progress: Progress = _noop) -> list[Path]:
    """Draw every page and write the pack; ``progress(pct, text)`` may raise to cancel."""
    return write_files(render_report(result, opts, out, progress))


def render_report(result: ScenarioResult, opts: ReportOptions, out: str | os.PathLike[str],
                  progress: Progress = _noop) -> dict[Path, bytes]:
    """Every file of the pack, complete, in memory: nothing touches the disk yet."""
    path = check_report_target(out, opts.fmt)
    specs = page_specs(result, opts.lang)
    if opts.fmt == "pdf":
        return {path: _pdf_bytes(result, opts, specs, progress)}
    files = {}
    for i, fig in enumerate(iter_pages(result, opts)):
        progress(int(99 * i / len(specs)), specs[i].bookmark)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=opts.dpi, facecolor="white",
                    metadata={"Title": specs[i].bookmark, "Software": "Reach Planner"})
        files[path / f"{specs[i].key}.png"] = buf.getvalue()
    return files


def write_files(files: dict[Path, bytes]) -> list[Path]:
    """The pack as one set (:mod:`geo.fileset`): every file under a temporary name,
    then all renamed together, so a kill, a full disk or Ctrl+C never leaves a new PDF
    beside an old workbook, or new pages among old ones. New files follow the umask;
    a replaced file keeps its mode."""
    with FileSet() as fs:
        for path, data in files.items():
            path.parent.mkdir(exist_ok=True)
            fs.add_bytes(path, data)
        return fs.commit()


@functools.cache
def pdf_fonttype() -> int:
    """42: fonts embedded as TrueType (CID, with ToUnicode), so Chinese is real text.

    The bundled Noto Sans SC has TrueType outlines. A system CJK face with CFF outlines
    (Debian's NotoSansCJK .ttc) would be filed by matplotlib as TrueType (FontFile2),
    which readers flag as a font-type mismatch; with such a face the glyphs go in as
    Type 3 fonts instead, which still carry a ToUnicode map (selectable, searchable)."""
    from fontTools.ttLib import TTFont

    path = cjk_font()
    if path is None:
        return 42
    try:
        with TTFont(os.fspath(path), fontNumber=getattr(path, "face_index", 0), lazy=True) as font:
            return 42 if "glyf" in font else 3
    except Exception:  # an unreadable font: Type 3 is the safe choice
        return 3


def _pdf_bytes(result: ScenarioResult, opts: ReportOptions, specs: list[PageSpec],
               progress: Progress) -> bytes:
    buf = io.BytesIO()
    title = TEXT[opts.lang]["title"]
    with matplotlib.rc_context({"pdf.fonttype": pdf_fonttype(), "text.parse_math": False}), PdfPages(buf, metadata={
            "Title": title, "Creator": "Reach Planner", "Subject": TEXT[opts.lang]["national"]}) as pdf:
        for i, fig in enumerate(iter_pages(result, opts)):
            progress(int(99 * i / len(specs)), specs[i].bookmark)
            pdf.savefig(fig, dpi=opts.dpi, facecolor="white")
    return add_outline(buf.getvalue(), [s.bookmark for s in specs])


def add_outline(pdf: bytes, titles: list[str]) -> bytes:
    """One bookmark per page, shown when the file opens (matplotlib writes none)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for i, title in enumerate(titles):
        writer.add_outline_item(title=title, page_number=i)
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
