"""What a report pack looks like and where it goes, validated before any drawing."""
from __future__ import annotations

from dataclasses import dataclass

PAGES_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
DPIS = (150, 300)
LANGS = ("en", "zh")
FORMATS = ("pdf", "png")


@dataclass(frozen=True)
class ReportOptions:
    """Frozen so the dialog's choice travels to a worker thread unchanged."""

    lang: str = "en"
    page: str = "A4"
    dpi: int = 150
    fmt: str = "pdf"

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"language must be en or zh, got {self.lang!r}")
        if self.page not in PAGES_MM:
            raise ValueError(f"page must be A4 or A3, got {self.page!r}")
        if self.dpi not in DPIS:
            raise ValueError(f"dpi must be 150 or 300, got {self.dpi!r}")
        if self.fmt not in FORMATS:
            raise ValueError(f"format must be pdf or png, got {self.fmt!r}")

    @property
    def size_mm(self) -> tuple[float, float]:
        return PAGES_MM[self.page]  # always landscape: map beside its figures

    @property
    def size_inches(self) -> tuple[float, float]:
        w, h = self.size_mm
        return w / 25.4, h / 25.4

    @property
    def scale(self) -> float:
        """Type and line sizes grow with the sheet, so an A3 page reads like an A4 one."""
        return self.size_mm[0] / PAGES_MM["A4"][0]
