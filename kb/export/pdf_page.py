"""The PDF page machinery under `PdfExporter`: an fpdf2 document with the embedded fonts, running header,
page footer, a fast word wrap, and the paged table of contents. fpdf2 is imported on first use only."""

from __future__ import annotations

from pathlib import Path

from kb import labels
from kb.errors import ExportError
from kb.export.base import clean

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"  # package data of `kb`, shipped with the wheel
FONT = "DejaVu"
_FONTS = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf"))
GREY = (90, 90, 90)
BOTTOM = 18.0  # bottom margin (mm); the footer sits inside it
_TOC_LINE, _TOC_TITLE_H, _TOC_PAGE_W = 5.5, 16.0, 14.0


def new_pdf(running_title: str):
    """An empty A4 document with DejaVu Sans embedded: fpdf2 ships no Unicode TrueType font for French."""
    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.set_margins(18, 20, 18)
    pdf.set_auto_page_break(True, margin=BOTTOM)
    for style, name in _FONTS:
        path = FONT_DIR / name
        if not path.exists():
            raise ExportError(f"Police introuvable : {path}. Réinstaller le paquet (kb/fonts/ doit être livré).")
        pdf.add_font(FONT, style, str(path))
    pdf.running_title = running_title
    return pdf


def _pdf_class():
    from fpdf import FPDF

    class DossierPDF(FPDF):
        """A4 pages with the dossier title as running header and « Page n / N » at the foot."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.running_title = ""
            self._widths: dict[tuple, dict[str, float]] = {}

        def header(self):
            if self.page_no() == 1:
                return
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*GREY)
            self.set_xy(self.l_margin, 9)
            self.cell(self.epw, 4, self.running_title[:150], align="L")
            self.set_draw_color(200, 200, 200)
            self.line(self.l_margin, 14, self.w - self.r_margin, 14)
            self.set_y(self.t_margin)

        def footer(self):
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.set_text_color(*GREY)
            self.cell(0, 6, f"{labels.PAGE} {self.page_no()} / {{nb}}", align="C")

        def wrap(self, text: str, width: float) -> list[str]:
            """Greedy word wrap in the current font, word widths cached: fpdf2's multi_cell is quadratic
            on long passages (seconds per article). Non-breaking spaces stay inside words."""
            cache = self._widths.setdefault((self.font_family, self.font_style, self.font_size_pt), {})

            def width_of(s: str) -> float:
                if s not in cache:
                    cache[s] = self.get_string_width(s)
                return cache[s]

            room, space, lines = width - 2 * self.c_margin, width_of(" "), []
            for raw in text.split("\n"):
                line, used = [], 0.0
                for word in (w for w in raw.split(" ") if w):
                    for piece in _pieces(word, room, width_of):
                        w = width_of(piece)
                        if line and used + space + w > room:
                            lines.append(" ".join(line))
                            line, used = [], 0.0
                        used = used + space + w if line else w
                        line.append(piece)
                lines.append(" ".join(line))
            return lines

    return DossierPDF


def _pieces(word: str, room: float, width_of) -> list[str]:
    """A word wider than the line (a long URL) is cut where it must be."""
    if width_of(word) <= room:
        return [word]
    pieces, current = [], ""
    for ch in word:
        if current and width_of(current + ch) > room:
            pieces.append(current)
            current = ""
        current += ch
    return pieces + [current]


def _toc_entry(pdf, title: str) -> list[str]:
    pdf.set_font(FONT, "", 10)
    return pdf.wrap(clean(title), pdf.epw - _TOC_PAGE_W - 3)


def toc_pages(pdf, titles: list[str]) -> list[int]:
    """The TOC page (0-based) of each entry, computed before the placeholder so that its page count is exact
    (footers carry page numbers, so the TOC may not grow afterwards)."""
    pages, page, y = [], 0, pdf.t_margin + _TOC_TITLE_H
    for title in titles:
        h = len(_toc_entry(pdf, title)) * _TOC_LINE + 1.2
        if y + h > pdf.h - BOTTOM:
            page, y = page + 1, pdf.t_margin
        pages.append(page)
        y += h
    return pages


def render_toc(pdf, outline) -> None:
    """Fill the TOC placeholder once every section's page is known; the layout matches `toc_pages`."""
    start = pdf.page
    pdf.set_auto_page_break(False, margin=BOTTOM)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(pdf.t_margin)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(pdf.epw, 10, labels.CONTENTS, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.t_margin + _TOC_TITLE_H)
    entries = [s for s in outline if s.level == 0]
    for section, page in zip(entries, toc_pages(pdf, [s.name for s in entries])):
        if start + page > pdf.page:
            pdf.add_page()
            pdf.set_y(pdf.t_margin)
        y = pdf.get_y()
        link = pdf.add_link(page=section.page_number)
        lines = _toc_entry(pdf, section.name)
        pdf.set_xy(pdf.w - pdf.r_margin - _TOC_PAGE_W, y + (len(lines) - 1) * _TOC_LINE)
        pdf.cell(_TOC_PAGE_W, _TOC_LINE, str(section.page_number), align="R", link=link)
        pdf.set_xy(pdf.l_margin, y)
        for line in lines:
            pdf.cell(pdf.epw - _TOC_PAGE_W - 3, _TOC_LINE, line, link=link, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.2)
    pdf.set_auto_page_break(True, margin=BOTTOM)
