"""Report pack: the national map, one page per province, the province table (PDF or
PNG) and an Excel workbook beside it. Qt-free, drawn by the shared map layer."""
