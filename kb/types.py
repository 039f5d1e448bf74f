"""Dataclasses that cross module boundaries: corpus → chunks → hits → answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

ACTORS = ("medecin", "editeur", "hebergeur")
TRANSVERSAL_ABOUT = 3  # a fiche about more texts than this is transversal
ACTOR_LABELS = {"medecin": "Médecin", "editeur": "Éditeur", "hebergeur": "Hébergeur"}

# Document status: how much of the official text the corpus holds.
DocStatus = Literal["complete", "partial", "fiche"]
COMPLETE, PARTIAL, FICHE = get_args(DocStatus)
# A passage: official text, a fiche (project summary), or Légifrance's NOTA (shown as a note, never quoted as law).
ChunkKind = Literal["official", "fiche", "nota"]
# The cells of an actor's row in « Qui fait quoi », in the order shown.
Category = Literal["obligations", "responsibility", "sanctions"]
CATEGORIES: tuple[Category, ...] = get_args(Category)


@dataclass(frozen=True)
class Decision:
    """A sanction or ruling, as recorded in a fiche's front matter."""

    authority: str
    reference: str
    date: str
    sanctioned: str
    sanctioned_actor: str
    amount_eur: int | None
    breaches: tuple[str, ...]
    held: str
    doc_id: str  # the fiche that records it
    url: str


@dataclass(frozen=True)
class Document:
    """One corpus file, its body text (which every chunk offset points into) and its provenance."""

    doc_id: str
    title: str
    kind: str  # eu_regulation_article | code_article | fiche | pdf
    text: str
    path: Path
    url: str
    version: str
    license: str = ""
    status: DocStatus = COMPLETE
    legal_status: str = "en vigueur"
    about: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    pages: tuple[int, ...] = ()  # for PDFs: text offset at which page i+1 starts
    decision: Decision | None = None
    verified_on: str = ""  # the date the text was last checked against the official source
    possibly_amended_by: str = ""  # a later text known to amend it: this wording may be out of date

    @property
    def is_fiche(self) -> bool:
        return self.kind == "fiche"

    @property
    def is_transversal(self) -> bool:
        """A fiche about more texts than TRANSVERSAL_ABOUT (fiche-responsabilite-*): it stands for none of them."""
        return self.is_fiche and len(self.about) > TRANSVERSAL_ABOUT

    def official_about(self, documents: Mapping[str, Document]) -> set[str]:
        """The texts this fiche summarises that the corpus holds officially (none for an official text)."""
        return {d for d in self.about if d in documents and not documents[d].is_fiche}

    def page_at(self, offset: int) -> int | None:
        """1-based page of a text offset (PDF only)."""
        if not self.pages:
            return None
        page = 1
        for i, start in enumerate(self.pages):
            if offset >= start:
                page = i + 1
        return page


@dataclass(frozen=True)
class Chunk:
    """A passage that never cuts a sentence; `text == document.text[start:end]`, verbatim."""

    chunk_id: str  # rgpd-art-28#3.a
    doc_id: str
    title: str
    locator: str  # RGPD, art. 28, § 3, a)
    heading_path: tuple[str, ...]
    text: str
    start: int
    end: int
    url: str
    version: str
    status: DocStatus
    kind: ChunkKind
    actors: tuple[str, ...] = ()
    page: int | None = None
    context: str = ""  # parent wording that helps retrieval (paragraph opening), not quoted

    def index_text(self) -> str:
        """What the indexes see: title and structure first, so that short points keep their sense."""
        parts = [self.title, " › ".join(self.heading_path), self.context, self.text]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    ranks: dict[str, int] = field(default_factory=dict)  # rank in each retriever (dense, lexical, ref)


@dataclass(frozen=True)
class Citation:
    n: int
    chunk_id: str
    doc_id: str
    title: str
    locator: str
    quote: str
    url: str
    version: str
    status: DocStatus
    kind: ChunkKind
    start: int  # offset of the quote in the document text
    end: int
    verified_on: str = ""  # the text was checked against the official source on that date
    amended_by: str = ""  # a later text known to amend it: this wording may be out of date
    note: str = ""  # the article's NOTA (entry into force), shown with it, never quoted as its text


@dataclass(frozen=True)
class Statement:
    """A sentence shown to the reader and the citation that backs it: a verbatim sentence of the corpus, or
    (with `map_id`) a project-written statement of the who-does-what map whose citation quotes its basis."""

    text: str
    n: int
    map_id: str = ""
    more: tuple[int, ...] = ()  # further citations a map statement rests on (each basis passage is cited)
    actor: str = ""  # whom a map statement is about (medecin, editeur, hebergeur)

    @property
    def numbers(self) -> tuple[int, ...]:
        return (self.n, *self.more)

    @property
    def marks(self) -> str:
        """« [1][4] »: the citation numbers as the reader sees them after the sentence."""
        return "".join(f"[{n}]" for n in self.numbers)


@dataclass
class ActorRow:
    actor: str
    obligations: list[Statement] = field(default_factory=list)
    responsibility: list[Statement] = field(default_factory=list)
    sanctions: list[Statement] = field(default_factory=list)

    @property
    def label(self) -> str:
        return ACTOR_LABELS[self.actor]

    def citation_numbers(self) -> list[int]:
        return sorted({s.n for s in self.obligations + self.responsibility + self.sanctions})


@dataclass
class Answer:
    question: str
    refused: bool
    conclusion: list[Statement] = field(default_factory=list)  # « Réponse » : the conclusion, first
    brief: list[Statement] = field(default_factory=list)
    actors: list[ActorRow] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    retrieved: list[Hit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    refusal_reason: str = ""
    gap: str = ""  # what the question asks that the corpus does not cover, said plainly
    mode: str = "extractif"
    llm_text: str = ""  # the checked LLM answer, when the LLM mode produced one
    timings: dict[str, float] = field(default_factory=dict)

    def citation(self, n: int) -> Citation:
        return self.citations[n - 1]
