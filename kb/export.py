"""Compliance dossier export: answers → Markdown, Word (.docx) or PDF, for a DPO's file.

One `Exporter` base holds the template method `build()` (cover, table of contents, one section per
question, annex of cited documents, disclaimer); each format only implements the hooks. Every cited
passage is printed in full and verbatim, so that the dossier stands on its own."""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import ClassVar

from kb import __version__
from kb.errors import ExportError
from kb.privacy import redact
from kb.render import DISCLAIMER, decision_line, escape, status_label
from kb.types import Answer, Citation, Document, Statement

DEFAULT_TITLE = "Dossier de conformité — responsabilité des données de santé"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # invalid in XML, unprintable in PDF
UNKNOWN = "non précisée"


@dataclass
class DossierMeta:
    """What the cover says: who made the dossier, when, and from which corpus index."""

    title: str = DEFAULT_TITLE
    organisation: str = ""
    author: str = ""
    created: datetime = field(default_factory=datetime.now)
    corpus_fingerprint: str = ""
    index_date: str = ""

    @classmethod
    def from_manifest(cls, manifest: Mapping, **kwargs) -> "DossierMeta":
        """Meta for answers given by the index whose manifest this is (`engine.store.manifest`)."""
        return cls(corpus_fingerprint=str(manifest.get("fingerprint", "")),
                   index_date=str(manifest.get("created_at", "")), **kwargs)


@dataclass(frozen=True)
class CitedDocument:
    """One line of the annex: a document cited at least once in the dossier."""

    doc_id: str
    title: str
    url: str
    version: str
    status: str
    license: str = ""


@dataclass(frozen=True)
class Section:
    """One question of the dossier; the question is redacted again, whatever its origin."""

    number: int
    question: str
    answer: Answer

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.question}"


def french_datetime(dt: datetime) -> str:
    day = "1er" if dt.day == 1 else str(dt.day)
    return f"{day} {_MONTHS[dt.month - 1]} {dt.year} à {dt:%H:%M}"


def french_date_text(value: str) -> str:
    """An index date as the manifest writes it (2026-11-22 07:32:00), in French words when parseable."""
    try:
        return french_datetime(datetime.fromisoformat(value))
    except ValueError:
        return value or UNKNOWN


def cited_documents(answers: Iterable[Answer], documents: Mapping[str, Document] | None = None) -> list[CitedDocument]:
    """Every cited document once, in order of first citation; the licence comes from the index when known."""
    seen: dict[str, CitedDocument] = {}
    for answer in answers:
        for c in answer.citations:
            if c.doc_id in seen:
                continue
            doc = (documents or {}).get(c.doc_id)
            seen[c.doc_id] = CitedDocument(c.doc_id, c.title, c.url, c.version, c.status,
                                           doc.license if doc is not None else "")
    return list(seen.values())


def cover_facts(meta: DossierMeta) -> list[tuple[str, str]]:
    """The cover's label/value lines, shared by every format."""
    facts = [("Date", french_datetime(meta.created))]
    if meta.organisation:
        facts.append(("Organisation", meta.organisation))
    if meta.author:
        facts.append(("Auteur", meta.author))
    facts += [
        ("Empreinte du corpus", meta.corpus_fingerprint or UNKNOWN),
        ("Index construit le", french_date_text(meta.index_date) if meta.index_date else UNKNOWN),
        ("Version de l'application", f"kb {__version__}"),
    ]
    return facts


def citation_heading(c: Citation) -> str:
    label = status_label(c)
    return f"[{c.n}] {c.locator}" + (f" — {label}" if label else "")


def citation_source(c: Citation) -> str:
    return f"Source : {c.url} — version : {c.version or UNKNOWN}"


def statements_text(items: list[Statement]) -> list[str]:
    return [f"{s.text} [{s.n}]" for s in items]


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of a passage (articles keep their a), b), c) points apart)."""
    return [p.strip() for p in re.split(r"\n\s*\n", clean(text)) if p.strip()]


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


MATRIX_HEADINGS = ("Acteur", "Obligations", "Responsabilité", "Sanctions encourues")
REFUSAL_HEADING = "Hors champ : question hors du champ du corpus"
_ANNEX_STATUS = {"partial": "texte partiel dans le corpus", "fiche": "fiche de synthèse (non officielle)"}


class Exporter:
    """Template method: `build()` fixes the dossier's order; a subclass writes each part in its format."""

    fmt: ClassVar[str]
    extension: ClassVar[str]
    media_type: ClassVar[str]

    def build(self, answers: Iterable[Answer], meta: DossierMeta | None = None,
              documents: Mapping[str, Document] | None = None) -> bytes:
        answers = list(answers)
        if not answers:
            raise ExportError("Aucune réponse à exporter : donner au moins une question "
                              "(fichier de questions vide ?).")
        meta = meta or DossierMeta()
        sections = [Section(i, redact(a.question).text, a) for i, a in enumerate(answers, start=1)]
        cited = cited_documents(answers, documents)
        self.start(meta, sections)
        self.cover(meta, cited)
        self.toc(sections)
        for section in sections:
            self.question(section)
        self.annex(cited)
        self.disclaimer()
        return self.finish()

    def question(self, section: Section) -> None:
        """One question: notices, refusal or answer (brief, matrix, passages, decisions)."""
        a = section.answer
        self.question_heading(section)
        for notice in a.notices:
            self.notice(notice)
        if a.refused:
            self.refusal(a)
            return
        if a.llm_text:
            self.subheading(f"Réponse rédigée par le modèle ({a.mode}), citations vérifiées")
            self.text(a.llm_text)
        if a.brief:
            self.subheading("En bref")
            self.bullets(statements_text(a.brief))
        if a.actors:
            self.subheading("Qui est responsable ?")
            self.matrix(a)
        if a.citations:
            self.subheading("Textes cités")
            for c in a.citations:
                self.citation(c)
        if a.decisions:
            self.subheading("Décisions de la CNIL et du juge")
            self.bullets([f"{decision_line(d)} ({d.url})" if d.url else decision_line(d) for d in a.decisions])

    def refusal(self, a: Answer) -> None:
        self.subheading(REFUSAL_HEADING)
        self.text(f"Le corpus ne permet pas de répondre : {a.refusal_reason}")
        if a.suggestions:
            self.text("Questions couvertes, par exemple :")
            self.bullets(a.suggestions)

    def annex(self, cited: list[CitedDocument]) -> None:
        self.part_heading("Annexe : documents cités")
        if not cited:
            self.text("Aucun document cité.")
        for d in cited:
            lines = [f"Adresse : {d.url}", f"Version : {d.version or UNKNOWN}",
                     f"Statut : {_ANNEX_STATUS.get(d.status, 'texte complet')}"]
            if d.license:
                lines.append(f"Licence : {d.license}")
            self.document_entry(d.title, lines)

    def disclaimer(self) -> None:
        self.part_heading("Avertissement")
        self.text(DISCLAIMER)

    # Hooks: each format implements these.
    def start(self, meta: DossierMeta, sections: list[Section]) -> None:
        raise NotImplementedError

    def cover(self, meta: DossierMeta, cited: list[CitedDocument]) -> None:
        raise NotImplementedError

    def toc(self, sections: list[Section]) -> None:
        raise NotImplementedError

    def question_heading(self, section: Section) -> None:
        raise NotImplementedError

    def part_heading(self, title: str) -> None:
        raise NotImplementedError

    def subheading(self, title: str) -> None:
        raise NotImplementedError

    def notice(self, text: str) -> None:
        raise NotImplementedError

    def text(self, text: str) -> None:
        raise NotImplementedError

    def bullets(self, items: list[str]) -> None:
        raise NotImplementedError

    def matrix(self, answer: Answer) -> None:
        raise NotImplementedError

    def citation(self, c: Citation) -> None:
        raise NotImplementedError

    def document_entry(self, title: str, lines: list[str]) -> None:
        raise NotImplementedError

    def finish(self) -> bytes:
        raise NotImplementedError


# --------------------------------------------------------------------------------------------- Markdown

def _md_block(text: str) -> str:
    """Escaped paragraph that cannot turn into a list or heading when it starts with « 2. » or « - »."""
    return re.sub(r"^(\d+)\.", r"\1\\.", re.sub(r"^([-+])", r"\\\1", escape(text)))


class MarkdownExporter(Exporter):
    fmt, extension, media_type = "md", ".md", "text/markdown"

    def start(self, meta, sections):
        self.out: list[str] = []

    def cover(self, meta, cited):
        self.out.append(f"# {escape(meta.title)}\n")
        self.out.extend(f"- **{label} :** {escape(value)}" for label, value in cover_facts(meta))
        if cited:
            self.out.append("\n**Versions des textes cités :**\n")
            self.out.extend(f"- {escape(d.title)} : {escape(d.version or UNKNOWN)}" for d in cited)
        self.out.append("")

    def toc(self, sections):
        self.out.append("## Sommaire\n")
        self.out.extend(f"{s.number}. [{escape(s.question)}](#question-{s.number})" for s in sections)
        self.out.append("\n- [Annexe : documents cités](#annexe)\n")

    def question_heading(self, section):
        self.out.append(f'<a id="question-{section.number}"></a>\n')
        self.out.append(f"## {section.number}\\. {escape(section.question)}\n")

    def part_heading(self, title):
        anchor = '<a id="annexe"></a>\n\n' if title.startswith("Annexe") else ""
        self.out.append(f"{anchor}## {escape(title)}\n")

    def subheading(self, title):
        self.out.append(f"### {escape(title)}\n")

    def notice(self, text):
        self.out.append(f"> ⚠️ {escape(text)}\n")

    def text(self, text):
        self.out.append("\n\n".join(_md_block(p) for p in paragraphs(text)) + "\n")

    def bullets(self, items):
        self.out.extend(f"- {escape(i)}" for i in items)
        self.out.append("")

    def matrix(self, answer):
        self.out.append("| " + " | ".join(MATRIX_HEADINGS) + " |")
        self.out.append("|---|---|---|---|")
        for row in answer.actors:
            cells = [" ; ".join(escape(t) for t in statements_text(items)) or "—"
                     for items in (row.obligations, row.responsibility, row.sanctions)]
            self.out.append(f"| **{row.label}** | " + " | ".join(cells) + " |")
        self.out.append("")

    def citation(self, c):
        label = status_label(c)
        self.out.append(f"**\\[{c.n}\\] {escape(c.locator)}**" + (f" — *{escape(label)}*" if label else "") + "  ")
        self.out.append(f"Document : {escape(c.title)}\n")
        self.out.append("\n>\n".join(f"> {_md_block(p)}" for p in paragraphs(c.quote)) + "\n")
        self.out.append(f"Source : <{c.url}> — version : {escape(c.version) or UNKNOWN}\n")

    def document_entry(self, title, lines):
        self.out.append(f"- **{escape(title)}**  ")
        self.out.extend(f"  {escape(line)}  " for line in lines)

    def finish(self):
        return ("\n".join(self.out).rstrip() + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------- Word

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
        props.comments = f"Empreinte du corpus : {meta.corpus_fingerprint or UNKNOWN}"
        sec = doc.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = Mm(20)
        sec.different_first_page_header_footer = True  # a bare cover
        sec.header.paragraphs[0].text = clean(meta.title + (f" — {meta.organisation}" if meta.organisation else ""))
        footer = sec.footer.paragraphs[0]
        footer.alignment = 1  # centre
        footer.add_run("Page ")
        _field(footer, "PAGE")
        footer.add_run(" / ")
        _field(footer, "NUMPAGES")
        self._end = doc.element.body.sectPr

    def _para(self, text: str = "", style: str = "", page_break: bool = False):
        """Append a paragraph. python-docx's add_paragraph scans the whole body and every style each
        time (minutes for a 200-question dossier); this inserts before the final section mark directly."""
        from docx.oxml import OxmlElement
        from docx.text.paragraph import Paragraph

        p = OxmlElement("w:p")
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
            self._para().add_run("Versions des textes cités :").bold = True
            for d in cited:
                self._para(f"{d.title} : {d.version or UNKNOWN}", "List Bullet")

    def toc(self, sections):
        """A TOC field whose current result lists the questions: readable at once, updatable by Word."""
        self._para("Sommaire", "TOC Heading", page_break=True)
        entries = [s.heading for s in sections] + ["Annexe : documents cités", "Avertissement"]
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

    def matrix(self, answer):
        from docx.shared import Cm

        table = self.doc.add_table(rows=1, cols=4)
        table._tbl.tblPr.style = self._style_ids["Table Grid"]
        table.autofit = False
        widths = (Cm(2.6), Cm(4.8), Cm(4.8), Cm(4.8))
        for cell, title, width in zip(table.rows[0].cells, MATRIX_HEADINGS, widths):
            cell.width = width
            cell.paragraphs[0].add_run(title).bold = True
        _repeat_header(table.rows[0])
        for row in answer.actors:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(row.label).bold = True
            for cell, items in zip(cells[1:], (row.obligations, row.responsibility, row.sanctions)):
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
        doc_line.add_run(clean(f"Document : {c.title}")).italic = True
        for p in paragraphs(c.quote):
            self._para(p, "Quote")
        src = self._para("Source : ")
        _hyperlink(src, c.url, c.url)
        src.add_run(clean(f" — version : {c.version or UNKNOWN}"))

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


def _field_char(paragraph, kind: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:fldChar")
    el.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(el)


def _instr(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:instrText")
    el.set(qn("xml:space"), "preserve")
    el.text = instruction
    paragraph.add_run()._r.append(el)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay the page out."""
    _field_char(paragraph, "begin")
    _instr(paragraph, instruction)
    _field_char(paragraph, "separate")
    paragraph.add_run("1")
    _field_char(paragraph, "end")


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _hyperlink(paragraph, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if not url:
        paragraph.add_run(UNKNOWN)
        return
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "1F4E9A")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.extend([color, underline])
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = clean(text)
    run.extend([props, t])
    link.append(run)
    paragraph._p.append(link)


# --------------------------------------------------------------------------------------------- PDF

FONT = "DejaVu"
_FONTS = (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf"))
_GREY, _LINK, _WARN = (90, 90, 90), (31, 78, 154), (150, 80, 0)
_BOTTOM = 18.0  # bottom margin (mm); the footer sits inside it
_TOC_LINE, _TOC_TITLE_H, _TOC_PAGE_W = 5.5, 16.0, 14.0
_CELL_LINE, _CELL_PAD, _MATRIX_WIDTHS = 3.6, 1.2, (24, 50, 50, 50)


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
            self.set_text_color(*_GREY)
            self.set_xy(self.l_margin, 9)
            self.cell(self.epw, 4, self.running_title[:150], align="L")
            self.set_draw_color(200, 200, 200)
            self.line(self.l_margin, 14, self.w - self.r_margin, 14)
            self.set_y(self.t_margin)

        def footer(self):
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.set_text_color(*_GREY)
            self.cell(0, 6, f"Page {self.page_no()} / {{nb}}", align="C")

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


class PdfExporter(Exporter):
    """PDF with an embedded DejaVu Sans (é, œ, ’, « », €, non-breaking spaces), bookmarks and a paged TOC."""

    fmt, extension, media_type = "pdf", ".pdf", "application/pdf"

    def start(self, meta, sections):
        self.pdf = pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
        pdf.set_margins(18, 20, 18)
        pdf.set_auto_page_break(True, margin=_BOTTOM)
        for style, name in _FONTS:
            path = FONT_DIR / name
            if not path.exists():
                raise ExportError(f"Police introuvable : {path}. Réinstaller le paquet (kb/fonts/ doit être livré).")
            pdf.add_font(FONT, style, str(path))
        pdf.running_title = clean(meta.title + (f" — {meta.organisation}" if meta.organisation else ""))
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
            self._write("Versions des textes cités :", size=10, style="B", h=6)
            for d in cited:
                self._write(f"• {d.title} : {d.version or UNKNOWN}", size=8.5, h=4.5, indent=4)

    def toc(self, sections):
        pdf = self.pdf
        pdf.add_page()
        titles = [s.heading for s in sections] + ["Annexe : documents cités", "Avertissement"]
        pdf.insert_toc_placeholder(_render_toc, pages=_toc_layout(pdf, titles)[-1] + 1)
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

    def matrix(self, answer):
        """A drawn table; a row taller than a page falls back to one block per actor."""
        pdf = self.pdf
        rows = [[row.label] + ["\n".join(statements_text(items)) or "—"
                               for items in (row.obligations, row.responsibility, row.sanctions)]
                for row in answer.actors]
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
        self._write(f"Document : {c.title}", size=8, style="I", h=4, color=_GREY)
        pdf.ln(0.5)
        pdf.set_fill_color(243, 244, 247)
        for i, p in enumerate(paragraphs(c.quote)):
            if i:
                self._write("", size=9, h=2, indent=4, fill=True)
            self._write(p, size=9, h=4.6, indent=4, fill=True)
        pdf.ln(0.5)
        self._write(citation_source(c), size=7.5, h=3.8, color=_LINK, link=c.url)
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


def _toc_entry(pdf, title: str) -> list[str]:
    pdf.set_font(FONT, "", 10)
    return pdf.wrap(clean(title), pdf.epw - _TOC_PAGE_W - 3)


def _toc_layout(pdf, titles: list[str]) -> list[int]:
    """The TOC page (0-based) of each entry, computed before the placeholder so that its page count is exact
    (footers carry page numbers, so the TOC may not grow afterwards)."""
    pages, page, y = [], 0, pdf.t_margin + _TOC_TITLE_H
    for title in titles:
        h = len(_toc_entry(pdf, title)) * _TOC_LINE + 1.2
        if y + h > pdf.h - _BOTTOM:
            page, y = page + 1, pdf.t_margin
        pages.append(page)
        y += h
    return pages


def _render_toc(pdf, outline) -> None:
    start = pdf.page
    pdf.set_auto_page_break(False, margin=_BOTTOM)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(pdf.t_margin)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(pdf.epw, 10, "Sommaire", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.t_margin + _TOC_TITLE_H)
    entries = [s for s in outline if s.level == 0]
    for section, page in zip(entries, _toc_layout(pdf, [s.name for s in entries])):
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
    pdf.set_auto_page_break(True, margin=_BOTTOM)


# --------------------------------------------------------------------------------------------- API

EXPORTERS: dict[str, type[Exporter]] = {"md": MarkdownExporter, "docx": DocxExporter, "pdf": PdfExporter}


def exporter_for(fmt: str) -> Exporter:
    """A fresh exporter for a format name (md, docx, pdf; a leading dot and capitals are accepted)."""
    key = (fmt or "").strip().lower().lstrip(".")
    if key not in EXPORTERS:
        raise ExportError(f"Format inconnu '{fmt}'. Choisir parmi : {', '.join(EXPORTERS)}")
    return EXPORTERS[key]()


def format_from_path(path: str | os.PathLike) -> str:
    """The format an output file name asks for (dossier.pdf → pdf), for when --format is omitted."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in EXPORTERS:
        raise ExportError(f"Impossible de déduire le format de « {Path(path).name} ». "
                          f"Préciser --format parmi : {', '.join(EXPORTERS)}")
    return suffix


def export_dossier(answers: Iterable[Answer], fmt: str, meta: DossierMeta | None = None,
                   documents: Mapping[str, Document] | None = None) -> bytes:
    """The dossier as bytes (for a download button or a file)."""
    return exporter_for(fmt).build(answers, meta, documents)


def check_output_path(path: str | os.PathLike) -> Path:
    """Fail before any work when the dossier could not be written there."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} est un dossier : donner un nom de fichier, par exemple {path / 'dossier.pdf'}.")
    parent = path.parent
    if not parent.is_dir():
        raise ExportError(f"Le dossier de sortie {parent} n'existe pas : le créer ou choisir un autre chemin.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"Le dossier {parent} n'est pas accessible en écriture : choisir un autre chemin de sortie.")
    return path


def write_dossier(answers: Iterable[Answer], fmt: str, path: str | os.PathLike, meta: DossierMeta | None = None,
                  documents: Mapping[str, Document] | None = None) -> Path:
    """Write the dossier atomically: a temporary file beside the target, then a rename; never a partial file."""
    path = check_output_path(path)
    data = export_dossier(answers, fmt, meta, documents)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"Impossible d'écrire {path} ({exc.strerror or exc}) : "
                          "vérifier le chemin, les droits et l'espace disque.") from exc
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_questions(path: str | os.PathLike) -> list[str]:
    """Questions from a text file: one per line; blank lines and lines starting with # are skipped."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExportError(f"Fichier de questions introuvable : {path}.") from None
    except UnicodeDecodeError:
        raise ExportError(f"{path} n'est pas un texte UTF-8 : l'enregistrer en UTF-8.") from None
    except OSError as exc:
        raise ExportError(f"Impossible de lire {path} ({exc.strerror or exc}).") from exc
    questions = [line.strip() for line in text.splitlines()]
    questions = [q for q in questions if q and not q.startswith("#")]
    if not questions:
        raise ExportError(f"Aucune réponse à exporter : {path} ne contient aucune question "
                          "(une question par ligne ; les lignes vides et celles commençant par # sont ignorées).")
    return questions


def load_answers(path: str | os.PathLike) -> list[Answer]:
    """Answers saved by `kb ask --json`: one answer object, or a JSON list of them."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ExportError(f"Fichier JSON introuvable : {path}.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"{path} n'est pas un JSON valide ({exc}) : "
                          "utiliser la sortie de « kb ask --json ».") from None
    items = data if isinstance(data, list) else [data]
    try:
        answers = [Answer.from_dict(item) for item in items]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{path} ne contient pas des réponses de « kb ask --json » (champ manquant ou invalide : "
                          f"{exc}).") from None
    if not answers:
        raise ExportError(f"Aucune réponse à exporter : {path} contient une liste vide.")
    return answers
