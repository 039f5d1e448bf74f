"""What the edges (CLI, app, evaluation) need from a loaded engine beyond `Engine.answer`, so that they never reach
into its store, manifest or retriever: search, the index's facts, the documents and passage ids, a cited passage
in context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kb.answer import Engine
from kb.config import Settings
from kb.context import Passage, passage_in_context
from kb.errors import KbError
from kb.retrieve import Retrieval
from kb.types import Citation, Document, Hit


@dataclass(frozen=True)
class IndexInfo:
    """The facts a reader is shown about the index that answers (sidebar, dossier cover)."""

    documents: int
    chunks: int
    build_id: str
    created_at: str
    fingerprint: str
    model_id: str


def search(engine: Engine, question: str, k: int = 10) -> list[Hit]:
    """The k best passages for a question (hybrid retrieval), best first: what `kb search` prints."""
    return retrieve(engine, question, k).hits


def retrieve(engine: Engine, question: str, k: int = 10) -> Retrieval:
    """The whole retrieval of a question: its hits and what it read (references, best dense similarity), which
    the evaluation's diagnosis reports."""
    return engine.retrieve(engine.reading(question), k)


def index_info(engine: Engine) -> IndexInfo:
    manifest = engine.store.manifest
    return IndexInfo(len(engine.store.documents), int(manifest["chunks"]), str(manifest["build_id"]),
                     str(manifest.get("created_at", "")), str(manifest.get("fingerprint", "")),
                     str(manifest.get("model_id", "")))


def documents(engine: Engine) -> Mapping[str, Document]:
    """The indexed documents by id (the dossier's annex reads their licences)."""
    return engine.store.documents


def chunk_ids(engine: Engine) -> list[str]:
    """Every indexed passage's id, in index order (the evaluation checks that the passages it expects exist)."""
    return [c.chunk_id for c in engine.store.chunks]


def cited_passage(engine: Engine, c: Citation) -> Passage | None:
    """The cited passage within its surrounding paragraphs; None when the index no longer holds the quoted
    text at its place (an answer given by an index since replaced)."""
    doc = engine.store.documents.get(c.doc_id)
    if doc is None or doc.text[c.start:c.end] != c.quote:
        return None
    return passage_in_context(doc.text, c.start, c.end)


def has_index(settings: Settings) -> bool:
    """An index built from this corpus with these settings (one built otherwise must be rebuilt first)."""
    from kb.index.store import current_manifest, stale_settings

    manifest = current_manifest(settings)
    return manifest is not None and not stale_settings(settings, manifest)


def reference_documents(settings: Settings) -> Mapping[str, Document]:
    """The texts imported answers are checked against (and the annex's licences): the index's documents,
    else the corpus on disk when no index has been built."""
    try:
        from kb.index.store import Store

        return Store(settings).documents
    except KbError:
        from kb.corpus import load_corpus

        return {d.doc_id: d for d in load_corpus(settings.corpus_dir).documents}
