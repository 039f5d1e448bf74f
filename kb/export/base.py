"""What every dossier format shares: the cover's metadata, the `Exporter` template method that fixes the
dossier's order, and the wording helpers, so that the three formats cannot drift apart in content."""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from kb import __version__, labels
from kb.errors import ExportError
from kb.privacy import redact
from kb.render import AnswerWriter, decision_line, status_label, strip_controls, url_text
from kb.types import ActorRow, Answer, Citation, Decision, Document, Statement

DEFAULT_TITLE = labels.DOSSIER_TITLE
UNKNOWN = labels.NOT_GIVEN
MATRIX_HEADINGS = labels.MATRIX_HEADINGS
REFUSAL_HEADING = labels.DOSSIER_OUT_OF_SCOPE
ANNEX_HEADING = labels.ANNEX
DISCLAIMER_HEADING = labels.WARNING


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
    def from_index(cls, info, **kwargs) -> "DossierMeta":
        """Meta for answers given by the index `info` describes (`kb.index_info(engine)`)."""
        return cls(corpus_fingerprint=info.fingerprint, index_date=info.created_at, **kwargs)


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


# --------------------------------------------------------------------------------------------- wording

def french_datetime(dt: datetime) -> str:
    """A date as a French reader writes it (1er mars 2026 à 09:05): the dossier is a French document."""
    day = "1er" if dt.day == 1 else str(dt.day)
    return f"{day} {labels.MONTHS[dt.month - 1]} {dt.year} à {dt:%H:%M}"


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
    facts = [(labels.DATE, french_datetime(meta.created))]
    if meta.organisation:
        facts.append((labels.ORGANISATION, meta.organisation))
    if meta.author:
        facts.append((labels.AUTHOR, meta.author))
    facts += [
        (labels.CORPUS_FINGERPRINT, meta.corpus_fingerprint or UNKNOWN),
        (labels.INDEX_BUILT, french_date_text(meta.index_date) if meta.index_date else UNKNOWN),
        (labels.APP_VERSION, f"kb {__version__}"),
    ]
    return facts


def running_title(meta: DossierMeta) -> str:
    """The page header of the paged formats: the title, and whose dossier it is."""
    return clean(meta.title + (f" — {meta.organisation}" if meta.organisation else ""))


def toc_entries(sections: list[Section]) -> list[str]:
    """Every top-level heading, in order: the paged formats list them all in their table of contents."""
    return [s.heading for s in sections] + [ANNEX_HEADING, DISCLAIMER_HEADING]


def citation_heading(c: Citation) -> str:
    label = status_label(c)
    return f"[{c.n}] {c.locator}" + (f" — {label}" if label else "")


def citation_source(c: Citation) -> str:
    return labels.source_line(url_text(c.url), c.version)


def statements_text(items: list[Statement]) -> list[str]:
    return [f"{s.text} {s.marks}" for s in items]


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs of a passage (articles keep their a), b), c) points apart)."""
    return [p.strip() for p in re.split(r"\n\s*\n", clean(text)) if p.strip()]


def clean(text: str) -> str:
    """Control characters removed: Word refuses them in XML, the PDF font has no glyph for them and a
    terminal would obey them in the Markdown."""
    return strip_controls(text)


# --------------------------------------------------------------------------------------------- template

class Exporter(AnswerWriter):
    """Template method: `build()` fixes the dossier's order, and each question is the shared walk over an
    answer (`AnswerWriter`) written here with the format's hooks; a subclass writes each hook in its format."""

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
        self.closing()
        return self.finish()

    def question(self, section: Section) -> None:
        """One question: its heading, then the shared walk over its answer."""
        self.question_heading(section)
        self.write(section.answer)

    # The parts of an answer (AnswerWriter), written with the format's hooks.
    def refusal(self, title: str, text: str, suggestions: list[str]) -> None:
        self.subheading(REFUSAL_HEADING)
        self.text(text)
        if suggestions:
            self.text(labels.SUGGESTIONS_INTRO)
            self.bullets(suggestions)

    def llm_text(self, title: str, text: str) -> None:
        self.subheading(title)
        self.text(text)

    def gap(self, text: str) -> None:
        self.notice(text)

    def conclusion(self, title: str, statements: list[Statement]) -> None:
        self.subheading(title)
        self.text(" ".join(statements_text(statements)))
        self.text(labels.MAP_LABEL)

    def brief(self, title: str, statements: list[Statement]) -> None:
        self.subheading(title)
        self.bullets(statements_text(statements))

    def table(self, title: str, rows: list[ActorRow]) -> None:
        self.subheading(title)
        self.matrix(rows)

    def citations(self, title: str, citations: list[Citation]) -> None:
        self.subheading(title)
        for c in citations:
            self.citation(c)

    def decisions(self, title: str, decisions: list[Decision]) -> None:
        self.subheading(title)
        self.bullets([f"{decision_line(d)} ({url_text(d.url)})" if d.url else decision_line(d) for d in decisions])

    def disclaimer(self, text: str) -> None:
        """Nothing per question: the dossier states it once, in its closing part."""

    def annex(self, cited: list[CitedDocument]) -> None:
        self.part_heading(ANNEX_HEADING)
        if not cited:
            self.text(labels.NO_CITED_DOCUMENT)
        for d in cited:
            status = labels.ANNEX_STATUS.get(d.status, labels.ANNEX_STATUS_DEFAULT)
            lines = [labels.labelled(labels.ADDRESS, url_text(d.url)),
                     labels.labelled(labels.VERSION, d.version or UNKNOWN), labels.labelled(labels.STATUS, status)]
            if d.license:
                lines.append(labels.labelled(labels.LICENCE, d.license))
            self.document_entry(d.title, lines)

    def closing(self) -> None:
        self.part_heading(DISCLAIMER_HEADING)
        self.text(labels.DISCLAIMER)

    # Hooks: each format writes every part in its own way; abstract, so a format that forgets one fails
    # when it is created, not halfway through a dossier.
    @abstractmethod
    def start(self, meta: DossierMeta, sections: list[Section]) -> None:
        """Open an empty document (its properties, page header and footer)."""

    @abstractmethod
    def cover(self, meta: DossierMeta, cited: list[CitedDocument]) -> None:
        """The title, `cover_facts` and the version of every cited text."""

    @abstractmethod
    def toc(self, sections: list[Section]) -> None: ...

    @abstractmethod
    def question_heading(self, section: Section) -> None: ...

    @abstractmethod
    def part_heading(self, title: str) -> None:
        """A top-level heading other than a question's (annex, disclaimer)."""

    @abstractmethod
    def subheading(self, title: str) -> None: ...

    @abstractmethod
    def text(self, text: str) -> None:
        """Prose, one paragraph per blank-line separated block (see `paragraphs`)."""

    @abstractmethod
    def bullets(self, items: list[str]) -> None: ...

    @abstractmethod
    def matrix(self, rows: list[ActorRow]) -> None:
        """The actor × category table, headed by MATRIX_HEADINGS, cells from `kb.render.row_cells`."""

    @abstractmethod
    def citation(self, c: Citation) -> None:
        """One cited passage in full and verbatim, with its locator, status and source."""

    @abstractmethod
    def document_entry(self, title: str, lines: list[str]) -> None: ...

    @abstractmethod
    def finish(self) -> bytes:
        """The finished file's bytes."""
