#!/usr/bin/env bash
# Build the desktop bundle: dist/ReachPlanner/ReachPlanner (PyInstaller, one folder).
#   bash packaging/build.sh            (after `bash .ci/install`; adds the [bundle] extra)
# Prints the unpacked size and the largest parts; fails above the size ceiling. See README,
# "Desktop bundle".
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
[ -x "$PY" ] || { echo "no .venv: run 'bash .ci/install' first" >&2; exit 1; }
"$PY" -c "import PyInstaller" 2>/dev/null || \
  "$PY" -m pip install -q -e ".[bundle]" 2>&1 | grep -v "is ignored: it is neither" || true

start=$(date +%s)
# The spec links build/pyinstaller/src/reach_planner to the checkout; a link back into the
# tree must not outlive the build (tools that walk the tree would loop).
trap 'rm -rf build/pyinstaller/src' EXIT
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/ReachPlanner.spec
out=dist/ReachPlanner
if [ -d "$out" ]; then  # Linux/Windows one folder (macOS: dist/ReachPlanner.app)
  if [ "$(uname)" = Linux ]; then  # strip (binutils), shared proj.db, linked copies
    "$PY" packaging/shrink.py "$out"
  fi
  cp packaging/reach-planner.desktop packaging/install-desktop-entry.sh "$out/"
  cp resources/icons/reach-planner.svg resources/icons/reach-planner-256.png "$out/"
  cp resources/fonts/OFL.txt "$out/OFL-NotoSansSC.txt"
fi
echo "built $out in $(( $(date +%s) - start )) s"
# Fails above the budget (750 MB unpacked, 280 MB as .tar.gz: bundle_size.py, or $BUNDLE_MAX_MB), so CI
# catches growth; prints the size and the largest parts.
"$PY" packaging/bundle_size.py "$out" ${BUNDLE_MAX_MB:+--max-mb "$BUNDLE_MAX_MB"}
"$out/ReachPlanner" --version  # the bundle starts
