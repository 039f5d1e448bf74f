"""Compliance dossier export: answers → Markdown, Word (.docx) or PDF, for a DPO's file.

One `Exporter` base (`base`) holds the template method `build()` (cover, table of contents, one section per
question, annex of cited documents, disclaimer); each format only implements the hooks (`markdown`, `word`,
`pdf_file` on top of `pdf_page`). `formats` is the factory keyed by format name; `files` checks the output
path, writes atomically and reads the inputs of `kb export`; `verify` checks imported answers against the
corpus. Every cited passage is printed in full and
verbatim, so that the dossier stands on its own."""

from kb.export.base import (
    DEFAULT_TITLE, MATRIX_HEADINGS, REFUSAL_HEADING, UNKNOWN, CitedDocument, DossierMeta, Exporter, Section,
    cited_documents, cover_facts, french_datetime,
)
from kb.export.files import check_output_path, load_answers, read_questions, write_dossier
from kb.export.formats import EXPORTERS, export_dossier, exporter_for, format_from_path, resolve_format
from kb.export.markdown import MarkdownExporter
from kb.export.pdf_file import PdfExporter
from kb.export.pdf_page import FONT_DIR
from kb.export.verify import verify_answers
from kb.export.word import DocxExporter

__all__ = [
    "DEFAULT_TITLE", "EXPORTERS", "FONT_DIR", "MATRIX_HEADINGS", "REFUSAL_HEADING", "UNKNOWN",
    "CitedDocument", "DocxExporter", "DossierMeta", "Exporter", "MarkdownExporter", "PdfExporter", "Section",
    "check_output_path", "cited_documents", "cover_facts", "export_dossier", "exporter_for", "format_from_path",
    "french_datetime", "load_answers", "read_questions", "resolve_format", "verify_answers", "write_dossier",
]
