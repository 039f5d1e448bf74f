"""The factory keyed by format name: the one place that knows which formats exist, for the CLI, the app
and the error messages that list the choices."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from kb.errors import ExportError
from kb.export.base import DossierMeta, Exporter
from kb.export.markdown import MarkdownExporter
from kb.export.pdf_file import PdfExporter
from kb.export.word import DocxExporter
from kb.types import Answer, Document

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


def resolve_format(fmt: str | None, path: str | os.PathLike) -> str:
    """The format to write: --format when given, else the file's extension. A --format that contradicts the
    extension (--format docx -o dossier.pdf) is refused rather than writing a Word file under a PDF name."""
    if not fmt:
        return format_from_path(path)
    kind = exporter_for(fmt).fmt
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in EXPORTERS and suffix != kind:
        name = Path(path).name
        raise ExportError(f"--format {kind} ne correspond pas à l'extension de « {name} » (.{suffix}) : "
                          f"écrire -o {Path(name).stem}.{kind}, ou --format {suffix}.")
    return kind


def export_dossier(answers: Iterable[Answer], fmt: str, meta: DossierMeta | None = None,
                   documents: Mapping[str, Document] | None = None) -> bytes:
    """The dossier as bytes (for a download button or a file)."""
    return exporter_for(fmt).build(answers, meta, documents)
