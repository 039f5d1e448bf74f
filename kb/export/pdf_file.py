"""PDF dossier: what goes on the pages (cover, questions, matrix, passages); the page machinery is in
`pdf_page`. Named `pdf_file` so as not to be confused with `kb/pdf.py`, which reads PDFs into the corpus."""

from __future__ import annotations

from kb import __version__
from kb.export.base import (
    MATRIX_HEADINGS, UNKNOWN, Exporter, citation_heading, citation_source, clean, cover_facts, paragraphs,
    running_title, statements_text, toc_entries,
)
from kb.export.pdf_page import FONT, GREY, new_pdf, render_toc, toc_pages
from kb import labels
from kb.render import row_cells, safe_url

_LINK, _WARN = (31, 78, 154), (150, 80, 0)
_CELL_LINE, _CELL_PAD, _MATRIX_WIDTHS = 3.6, 1.2, (24, 50, 50, 50)


class PdfExporter(Exporter):
    """PDF with an embedded DejaVu Sans (é, œ, ’, « », €, non-breaking spaces), bookmarks and a paged TOC."""

    fmt, extension, media_type = "pdf", ".pdf", "application/pdf"

    def start(self, meta, sections):
        self.pdf = pdf = new_pdf(running_title(meta))
        pdf.set_title(clean(meta.title))
        pdf.set_author(clean(meta.author or meta.organisation))
        pdf.set_creator(f"kb {__version__}")
        pdf.set_lang("fr-FR")
        self._fresh_page = False

    def cover(self, meta, cited):
        pdf = self.pdf
        pdf.add_page()
        pdf.set_y(45)
        self._write(meta.title, size=20, style="B", h=9)
        pdf.ln(10)
        for label, value in cover_facts(meta):
            y = pdf.get_y()
            self._write(f"{label} :", size=10, style="B", h=6)
            pdf.set_y(y)
            self._write(value, size=10, h=6, indent=55)
        if cited:
            pdf.ln(6)
            self._write(labels.CITED_VERSIONS, size=10, style="B", h=6)
            for d in cited:
                self._write(f"• {d.title} : {d.version or UNKNOWN}", size=8.5, h=4.5, indent=4)

    def toc(self, sections):
        pdf = self.pdf
        pdf.add_page()
        pdf.insert_toc_placeholder(render_toc, pages=toc_pages(pdf, toc_entries(sections))[-1] + 1)
        self._fresh_page = True  # the placeholder already opened the page after the TOC

    def question_heading(self, section):
        self.part_heading(section.heading)

    def part_heading(self, title):
        if self._fresh_page:
            self._fresh_page = False
        else:
            self.pdf.add_page()
        self.pdf.start_section(clean(title), level=0)
        self._write(title, size=13, style="B", h=6.5)
        self.pdf.ln(2)

    def subheading(self, title):
        self._keep(45)  # the heading and the first lines of what follows
        self.pdf.ln(2)
        self._write(title, size=11, style="B", h=6)
        self.pdf.ln(1)

    def notice(self, text):
        self._write(f"⚠ {text}", size=8.5, style="I", h=4.5, color=_WARN)
        self.pdf.ln(1)

    def text(self, text):
        for p in paragraphs(text):
            self._write(p, size=10, h=5)
            self.pdf.ln(1)

    def bullets(self, items):
        for item in items:
            self._write(f"• {item}", size=10, h=5, indent=2)
            self.pdf.ln(0.8)

    def matrix(self, rows):
        """A drawn table; a row taller than a page falls back to one block per actor."""
        pdf = self.pdf
        rows = [[row.label] + ["\n".join(statements_text(items)) or "—" for items in row_cells(row)]
                for row in rows]
        header = self._cells(MATRIX_HEADINGS, bold_all=True)
        body = [self._cells(r) for r in rows]
        tallest = max(_row_height(cells) for cells in body)
        if tallest + _row_height(header) > pdf.page_break_trigger - pdf.t_margin:
            self._matrix_as_blocks(rows)
            return
        self._keep(_row_height(header) + _row_height(body[0]))
        self._row(header, bold_all=True)
        for cells in body:
            if pdf.get_y() + _row_height(cells) > pdf.page_break_trigger:
                pdf.add_page()
                self._row(header, bold_all=True)
            self._row(cells)
        pdf.ln(2)

    def _cells(self, texts, bold_all: bool = False) -> list[list[str]]:
        out = []
        for i, (width, text) in enumerate(zip(_MATRIX_WIDTHS, texts)):
            self.pdf.set_font(FONT, "B" if bold_all or i == 0 else "", 7.5)
            out.append(self.pdf.wrap(clean(text), width - 2 * _CELL_PAD))
        return out

    def _row(self, cells: list[list[str]], bold_all: bool = False) -> None:
        pdf = self.pdf
        h, x, y = _row_height(cells), pdf.l_margin, pdf.get_y()
        pdf.set_draw_color(150, 150, 150)
        pdf.set_fill_color(230, 234, 240)
        for i, (width, lines) in enumerate(zip(_MATRIX_WIDTHS, cells)):
            pdf.rect(x, y, width, h, style="DF" if bold_all else "D")
            pdf.set_font(FONT, "B" if bold_all or i == 0 else "", 7.5)
            for j, line in enumerate(lines):
                pdf.set_xy(x + _CELL_PAD, y + _CELL_PAD + j * _CELL_LINE)
                pdf.cell(width - 2 * _CELL_PAD, _CELL_LINE, line)
            x += width
        pdf.set_xy(pdf.l_margin, y + h)

    def _matrix_as_blocks(self, rows):
        for r in rows:
            self._write(r[0], size=9.5, style="B", h=5)
            for title, t in zip(MATRIX_HEADINGS[1:], r[1:]):
                self._write(f"{title} : {t}", size=8.5, h=4.3, indent=3)
            self.pdf.ln(1)

    def citation(self, c):
        pdf = self.pdf
        self._keep(22)
        pdf.ln(1)
        self._write(citation_heading(c), size=9.5, style="B", h=5)
        self._write(labels.labelled(labels.DOCUMENT, c.title), size=8, style="I", h=4, color=GREY)
        pdf.ln(0.5)
        pdf.set_fill_color(243, 244, 247)
        for i, p in enumerate(paragraphs(c.quote)):
            if i:
                self._write("", size=9, h=2, indent=4, fill=True)
            self._write(p, size=9, h=4.6, indent=4, fill=True)
        pdf.ln(0.5)
        self._write(citation_source(c), size=7.5, h=3.8, color=_LINK, link=safe_url(c.url) or "")
        pdf.ln(1.5)

    def document_entry(self, title, lines):
        self._keep(20)
        self._write(title, size=9.5, style="B", h=5)
        for line in lines:
            self._write(line, size=8.5, h=4.3, indent=4)
        self.pdf.ln(2)

    def finish(self):
        return bytes(self.pdf.output())

    def _write(self, text: str, size: float, h: float, style: str = "", indent: float = 0,
               color=(0, 0, 0), fill: bool = False, link: str = "") -> None:
        pdf = self.pdf
        pdf.set_font(FONT, style, size)
        pdf.set_text_color(*color)
        width = pdf.epw - indent
        for line in pdf.wrap(clean(text), width):
            if pdf.get_y() + h > pdf.page_break_trigger:
                pdf.add_page()
            pdf.set_x(pdf.l_margin + indent)
            pdf.cell(width, h, line, fill=fill, link=link, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)

    def _keep(self, height: float) -> None:
        """Start a new page rather than leave a heading alone at the foot of one."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()


def _row_height(cells: list[list[str]]) -> float:
    return max(len(lines) for lines in cells) * _CELL_LINE + 2 * _CELL_PAD
