"""Markdown dossier: plain text that diffs well and renders on any forge; every user string is escaped."""

from __future__ import annotations

import re

from kb.export.base import (
    ANNEX_HEADING, MATRIX_HEADINGS, UNKNOWN, Exporter, clean, cover_facts, paragraphs, statements_text,
)
from kb import labels
from kb.render import escape, row_cells, status_label, url_md


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
            self.out.append(f"\n**{labels.CITED_VERSIONS}**\n")
            self.out.extend(f"- {escape(d.title)} : {escape(d.version or UNKNOWN)}" for d in cited)
        self.out.append("")

    def toc(self, sections):
        self.out.append(f"## {labels.CONTENTS}\n")
        self.out.extend(f"{s.number}. [{escape(s.question)}](#question-{s.number})" for s in sections)
        self.out.append(f"\n- [{ANNEX_HEADING}](#annexe)\n")

    def question_heading(self, section):
        self.out.append(f'<a id="question-{section.number}"></a>\n')
        self.out.append(f"## {section.number}\\. {escape(section.question)}\n")

    def part_heading(self, title):
        anchor = '<a id="annexe"></a>\n\n' if title == ANNEX_HEADING else ""
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

    def matrix(self, rows):
        self.out.append("| " + " | ".join(MATRIX_HEADINGS) + " |")
        self.out.append("|" + "---|" * len(MATRIX_HEADINGS))
        for row in rows:
            cells = [" ; ".join(escape(t) for t in statements_text(items)) or "—"
                     for items in row_cells(row)]
            self.out.append(f"| **{escape(row.label)}** | " + " | ".join(cells) + " |")
        self.out.append("")

    def citation(self, c):
        label = status_label(c)
        self.out.append(f"**\\[{c.n}\\] {escape(c.locator)}**" + (f" — *{escape(label)}*" if label else "") + "  ")
        self.out.append(labels.labelled(labels.DOCUMENT, escape(c.title)) + "\n")
        self.out.append("\n>\n".join(f"> {_md_block(p)}" for p in paragraphs(c.quote)) + "\n")
        self.out.append(labels.source_line(url_md(c.url), escape(c.version)) + "\n")

    def document_entry(self, title, lines):
        self.out.append(f"- **{escape(title)}**  ")
        self.out.extend(f"  {escape(line)}  " for line in lines)

    def finish(self):
        return (clean("\n".join(self.out)).rstrip() + "\n").encode("utf-8")  # a last guard for every line
