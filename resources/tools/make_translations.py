"""Update the Chinese translation file and compile it for Qt.

    python resources/tools/make_translations.py          # update .ts, build .qm
    python resources/tools/make_translations.py --check  # exit 1 if a string lacks Chinese

Strings are found the way the app uses them: first arguments of ``tr("...")`` calls
in ``ui/**/*.py`` plus the maps' ``MAP_TEXT_LABELS`` (web page and print map; the
map code reads their Chinese straight from the .ts, see ``ui/maps/texts.py``), the details' ``SOURCE_LABELS`` and
the comparison's ``FIGURES`` labels.
Existing translations in the .ts file are kept (it is the file translators edit,
e.g. in Qt Linguist); new strings are added as unfinished. The .qm is compiled with
``pyside6-lrelease`` from the PySide6 wheel.
"""
from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "reach_planner_zh_CN.ts"
QM = TS.with_suffix(".qm")
CONTEXT = "ReachPlanner"


def source_strings() -> list[str]:
    found: list[str] = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            arg = node.args[0]
            if name == "tr" and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append(arg.value)
    sys.path.insert(0, str(ROOT))
    from reach_planner.geo.compare import FIGURES
    from reach_planner.ui.details import SOURCE_LABELS
    from reach_planner.ui.maps.style import MAP_TEXT_LABELS

    found += [*MAP_TEXT_LABELS, *SOURCE_LABELS, *(f[1] for f in FIGURES)]
    return list(dict.fromkeys(found))


def read_ts(path: Path) -> dict[str, str]:
    from reach_planner.ui.maps.texts import read_catalogue

    return read_catalogue(path) if path.exists() else {}


def write_ts(path: Path, strings: list[str], known: dict[str, str]) -> None:
    root = ET.Element("TS", version="2.1", language="zh_CN", sourcelanguage="en")
    ctx = ET.SubElement(root, "context")
    ET.SubElement(ctx, "name").text = CONTEXT
    for s in strings:
        msg = ET.SubElement(ctx, "message")
        ET.SubElement(msg, "source").text = s
        t = ET.SubElement(msg, "translation")
        if s in known:
            t.text = known[s]
        else:
            t.set("type", "unfinished")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                    encoding="utf-8")


def lrelease() -> str:
    exe = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    return exe


def main() -> int:
    strings = source_strings()
    known = read_ts(TS)
    missing = [s for s in strings if s not in known]
    if "--check" in sys.argv:
        for s in missing:
            print(f"untranslated: {s!r}")
        return 1 if missing else 0
    write_ts(TS, strings, known)
    subprocess.run([lrelease(), str(TS), "-qm", str(QM)], check=True, capture_output=True)
    print(f"{len(strings)} strings, {len(missing)} untranslated -> {QM.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
