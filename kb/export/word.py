"""Word (.docx) dossier through python-docx, imported on first use so that the other formats do not pay for it.

Named `word` rather than `docx` so that the package never shadows python-docx itself."""

from __future__ import annotations

from io import BytesIO

from kb.export.base import (
    MATRIX_HEADINGS, UNKNOWN, Exporter, clean, cover_facts, paragraphs, running_title, statements_text, toc_entries,
)
from kb import labels
from kb.render import row_cells, safe_url, status_label, url_text


class DocxExporter(Exporter):
    """Word: real headings (navigation pane, updatable table of contents), a real table for the matrix."""

    fmt, extension = "docx", ".docx"
    media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def start(self, meta, sections):
        from docx import Document as WordDocument
        from docx.shared import Mm, Pt

        self.doc = doc = WordDocument()
        self._style_ids = {s.name: s.style_id for s in doc.styles}
        doc.styles["Normal"].font.size = Pt(10.5)
        props = doc.core_properties
        props.title, props.author, props.language = clean(meta.title), clean(meta.author or meta.organisation), "fr-FR"
        props.created = meta.created
        props.comments = labels.labelled(labels.CORPUS_FINGERPRINT, meta.corpus_fingerprint or UNKNOWN)
        sec = doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = Mm(20)
        sec.different_first_page_header_footer = True  # a bare cover
        sec.header.paragraphs[0].text = running_title(meta)
        footer = sec.footer.paragraphs[0]
        footer.alignment = 1  # centre
        footer.add_run(f"{labels.PAGE} ")
        _field(footer, "PAGE")
        footer.add_run(" / ")
        _field(footer, "NUMPAGES")
        self._end = doc.element.body.sectPr

    def _para(self, text: str = "", style: str = "", page_break: bool = False):
        """Append a paragraph. python-docx's add_paragraph scans the whole body and every style each
        time (minutes for a 200-question dossier); this inserts before the final section mark directly."""
        from docx.text.paragraph import Paragraph

        p = _oxml("w:p")
        self._end.addprevious(p)
        para = Paragraph(p, self.doc._body)
        if style:
            para._p.get_or_add_pPr().style = self._style_ids[style]
        if page_break:
            para.paragraph_format.page_break_before = True
        if text:
            para.add_run(clean(text))
        return para

    def cover(self, meta, cited):
        self._para(meta.title, "Title")
        for label, value in cover_facts(meta):
            p = self._para()
            p.add_run(f"{label} : ").bold = True
            p.add_run(clean(value))
        if cited:
            self._para().add_run(labels.CITED_VERSIONS).bold = True
            for d in cited:
                self._para(f"{d.title} : {d.version or UNKNOWN}", "List Bullet")

    def toc(self, sections):
        """A TOC field whose current result lists the questions: readable at once, updatable by Word."""
        self._para(labels.CONTENTS, "TOC Heading", page_break=True)
        entries = toc_entries(sections)
        paras = [self._para() for _ in entries]
        _field_char(paras[0], "begin")
        _instr(paras[0], 'TOC \\o "1-1" \\h \\z \\u')
        _field_char(paras[0], "separate")
        for p, entry in zip(paras, entries):
            p.add_run(clean(entry))
        _field_char(paras[-1], "end")

    def question_heading(self, section):
        self._para(section.heading, "Heading 1", page_break=True)

    def part_heading(self, title):
        self._para(title, "Heading 1", page_break=True)

    def subheading(self, title):
        self._para(title, "Heading 2")

    def notice(self, text):
        self._para().add_run(clean(f"⚠ {text}")).italic = True

    def text(self, text):
        for p in paragraphs(text):
            self._para(p)

    def bullets(self, items):
        for item in items:
            self._para(item, "List Bullet")

    def matrix(self, rows):
        from docx.shared import Cm

        table = self.doc.add_table(rows=1, cols=4)
        table._tbl.tblPr.style = self._style_ids["Table Grid"]
        table.autofit = False
        widths = (Cm(2.6), Cm(4.8), Cm(4.8), Cm(4.8))
        for cell, title, width in zip(table.rows[0].cells, MATRIX_HEADINGS, widths):
            cell.width = width
            cell.paragraphs[0].add_run(title).bold = True
        table.rows[0]._tr.get_or_add_trPr().append(_oxml("w:tblHeader", {"w:val": "true"}))  # repeated per page
        for row in rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(row.label).bold = True
            for cell, items in zip(cells[1:], row_cells(row)):
                texts = statements_text(items) or ["—"]
                cell.paragraphs[0].add_run(clean(texts[0]))
                for t in texts[1:]:
                    cell.add_paragraph().add_run(clean(t))
            for cell, width in zip(cells, widths):
                cell.width = width

    def citation(self, c):
        head = self._para()
        head.paragraph_format.keep_with_next = True
        head.add_run(f"[{c.n}] {clean(c.locator)}").bold = True
        label = status_label(c)
        if label:
            head.add_run(f" — {label}").italic = True
        doc_line = self._para()
        doc_line.paragraph_format.keep_with_next = True
        doc_line.add_run(clean(labels.labelled(labels.DOCUMENT, c.title))).italic = True
        for p in paragraphs(c.quote):
            self._para(p, "Quote")
        src = self._para(labels.SOURCE)
        _hyperlink(src, c.url)
        src.add_run(clean(labels.VERSION_OF_SOURCE + (c.version or UNKNOWN)))

    def document_entry(self, title, lines):
        p = self._para(style="List Bullet")
        p.add_run(clean(title)).bold = True
        for line in lines:
            p.add_run().add_break()
            p.add_run(clean(line))

    def finish(self):
        buf = BytesIO()
        self.doc.save(buf)
        return buf.getvalue()


def _oxml(tag: str, attrs: dict[str, str] | None = None, text: str | None = None):
    """A raw WordprocessingML element, for what python-docx has no API for (fields, header rows, links)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        el.set(qn(name), value)
    if text is not None:
        el.text = text
    return el


def _field_char(paragraph, kind: str) -> None:
    paragraph.add_run()._r.append(_oxml("w:fldChar", {"w:fldCharType": kind}))


def _instr(paragraph, instruction: str) -> None:
    paragraph.add_run()._r.append(_oxml("w:instrText", {"xml:space": "preserve"}, instruction))


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay the page out."""
    _field_char(paragraph, "begin")
    _instr(paragraph, instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run("1")
    _field_char(paragraph, "end")


def _hyperlink(paragraph, address: str) -> None:
    """A clickable source address, blue and underlined as Word shows links; only a plain http(s) address
    becomes a link (never javascript:, file: or a Windows share), anything else is « adresse non valide »."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    url = safe_url(address)
    if not url:
        paragraph.add_run(url_text(address))
        return
    link = _oxml("w:hyperlink", {"r:id": paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)})
    props = _oxml("w:rPr")
    props.extend([_oxml("w:color", {"w:val": "1F4E9A"}), _oxml("w:u", {"w:val": "single"})])
    run = _oxml("w:r")
    run.extend([props, _oxml("w:t", {"xml:space": "preserve"}, clean(url))])
    link.append(run)
    paragraph._p.append(link)
