#!/usr/bin/env bash
# Add Reach Planner to the desktop's application menu, for this user, from wherever this
# folder was unpacked:  bash install-desktop-entry.sh   (run it again after moving the folder)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor"
mkdir -p "$apps" "$icons/scalable/apps" "$icons/256x256/apps"
cp "$here/reach-planner.svg" "$icons/scalable/apps/reach-planner.svg"
cp "$here/reach-planner-256.png" "$icons/256x256/apps/reach-planner.png"
sed "s|^Exec=ReachPlanner|Exec=\"$here/ReachPlanner\"|" "$here/reach-planner.desktop" \
  > "$apps/reach-planner.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database "$apps" || true
echo "installed $apps/reach-planner.desktop"
