"""Qt-free map drawing: the web page (folium/Leaflet) and the print map (matplotlib).

Both draw from the same style and the same dissolved shapes; nothing here imports Qt
(an import-linter contract checks it), so the CLI's print and export verbs and the
report pack can draw maps without a window.
"""
