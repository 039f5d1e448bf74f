"""The on-disk store: each ingest builds a complete new index in `index/builds/<id>/` and only then
switches the `CURRENT` pointer (an atomic rename). Killed at any moment, the previous index still
answers. The manifest records what the index was built from; `load` refuses a mismatch."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kb.chunking import CHUNKER_VERSION, chunk_document
from kb.responsibilities import load_map, map_texts
from kb.text import TOKENIZER_VERSION
from kb.config import Settings
from kb.corpus import Corpus, fingerprint, load_corpus, verify_seal
from kb.errors import CorpusError, IndexMissingError, KbError, SealError
from kb.types import Chunk, Decision, Document

FORMAT_VERSION = 2  # 2: the dense collection searched with SEARCH_EF (kb/index/dense.py)
BUILDING = "BUILDING"  # marker of a build in progress: {"pid", "collection", "chroma_url"}; removed once switched
INGEST_LOCK = "ingest.lock"  # one ingest at a time per data dir (flock, released when the process ends)
LOCK_TIMEOUT = 1800.0  # seconds an ingest waits for another one before giving up


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


_SETTING_LABELS = {"format": "format", "fingerprint": "corpus", "model_id": "modèle", "chunker_version": "découpage",
                   "tokenizer_version": "tokenizer", "chroma_url": "Chroma"}


def stale_settings(settings: Settings, manifest: dict) -> list[str]:
    """What differs between an index's manifest and what `ingest` would build now, one « modèle : X (index) ≠ Y
    (réglages) » per difference; empty when the index is current (then `kb ingest` has nothing to do)."""
    return _differences(manifest, _expected(settings, _model_id(settings)))


def _differences(manifest: dict, expected: dict) -> list[str]:
    """The one comparison `ingest` (rebuild or not) and `Store` (open or refuse) both make."""
    def shown(key: str, value) -> str:
        return (value or "local") if key == "chroma_url" else str(value)

    return [f"{_SETTING_LABELS[k]} : {shown(k, manifest.get(k))} (index) ≠ {shown(k, v)} (réglages)"
            for k, v in expected.items() if manifest.get(k) != v]


def current_manifest(settings: Settings) -> dict | None:
    """The manifest of the build CURRENT names, or None (no index yet, or a build gone meanwhile)."""
    build_id = _current_id(settings)
    if build_id is None:
        return None
    try:
        return json.loads((settings.index_root / "builds" / build_id / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _model_id(settings: Settings) -> str:
    """The model id the settings stand for, without loading the model: kb.embed.model_id_for, the one source."""
    from kb.embed import model_id_for

    return model_id_for(settings.embedder, settings)


def ingest(settings: Settings, rebuild: bool = False, strict: bool = False,
           on_wait: Callable[[str], None] | None = None) -> IngestReport:
    """Index the corpus if it (or the settings) changed since the current index; `rebuild` forces it. One ingest
    at a time per data dir: another one waits for the lock (`on_wait` is told why) and, when the index it waited
    for already holds this corpus, has nothing left to do."""
    started = time.perf_counter()
    broken = verify_seal(settings.corpus_dir)
    if broken:
        raise SealError("Textes officiels différents de official.sha256 (rien n'a été indexé ; l'index actuel reste "
                        "en service) :\n" + "\n".join(str(p) for p in broken))
    before = _current_id(settings)
    with _ingest_lock(settings, on_wait) as waited:
        manifest = current_manifest(settings)
        expected = _expected(settings, _model_id(settings))
        fresh = waited and manifest is not None and manifest["build_id"] != before  # built while we waited
        if (manifest and (not rebuild or fresh) and not _differences(manifest, expected)
                and _dense_present(settings, manifest)):
            if strict and manifest.get("problems"):
                raise KbError("Fichiers refusés (--strict) :\n" + "\n".join(manifest["problems"]))
            _remove_old_builds(settings, keep=manifest["build_id"])  # what a killed ingest left half-built
            return IngestReport(False, manifest["build_id"], len(manifest["documents"]), manifest["chunks"],
                                problems=manifest.get("problems", []), seconds=time.perf_counter() - started)
        return _build(settings, expected, strict, started)


def _build(settings: Settings, expected: dict, strict: bool, started: float) -> IngestReport:
    corpus = load_corpus(settings.corpus_dir)
    problems = [f"{p.path}: {p.reason}" for p in corpus.problems]
    if strict and corpus.problems:
        raise KbError("Fichiers refusés (--strict) :\n" + "\n".join(problems))
    if not corpus.documents:
        raise CorpusError(settings.corpus_dir, "aucun document lisible dans le corpus")
    chunks = [c for d in corpus.documents for c in chunk_document(d)]
    _check_unique_chunks(corpus, chunks)
    responsibilities = load_map(settings.corpus_dir, chunks)  # every span of the map verbatim, or no index
    from chromadb.errors import ChromaError  # heavy: only when there is work to do

    from kb.index.dense import DenseIndex, chroma_client
    from kb.index.lexical import LexicalIndex

    build_id = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"
    build_dir = settings.index_root / "builds" / build_id
    collection = f"kb_{build_id.replace('-', '_')}"
    try:
        embeddings = _embedder(settings)
        build_dir.mkdir(parents=True)
        (build_dir / BUILDING).write_text(json.dumps({"pid": os.getpid(), "collection": collection,
                                                      "chroma_url": settings.chroma_url or ""}))
        _write_jsonl(build_dir / "documents.jsonl", [_doc_record(d) for d in corpus.documents])
        _write_jsonl(build_dir / "chunks.jsonl", [asdict(c) for c in chunks])
        LexicalIndex.build(chunks).save(build_dir / "bm25")
        dense = DenseIndex(chroma_client(settings.chroma_url, build_dir / "chroma"), collection, embeddings,
                           create=True)
        dense.add(chunks)
        embeddings.embed_documents(map_texts(responsibilities))  # cached now: the first answer runs no model
        manifest = {
            **expected, "build_id": build_id, "collection": collection,
            "created_at": time.strftime("%Y-%m-%d %H:%M:%S"), "chunks": len(chunks), "problems": problems,
            "documents": _document_summary(corpus, chunks),
        }
        (build_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _switch(settings.index_root, build_id)
    except BaseException as exc:  # nothing half-built stays behind, whatever stopped the build
        _discard(settings, build_dir, collection)
        if isinstance(exc, (OSError, sqlite3.Error, ChromaError)):
            raise _write_error(exc, settings) from exc
        raise
    (build_dir / BUILDING).unlink(missing_ok=True)
    _remove_old_builds(settings, keep=build_id)
    return IngestReport(True, build_id, len(corpus.documents), len(chunks), embeddings.embedded,
                        time.perf_counter() - started, problems)


def _check_unique_chunks(corpus: Corpus, chunks: list[Chunk]) -> None:
    """Chunk ids are the dense index's keys: a repeat would make Chroma refuse the whole batch."""
    seen: dict[str, Chunk] = {}
    for c in chunks:
        if c.chunk_id in seen:
            docs = corpus.by_id()
            raise CorpusError(docs[c.doc_id].path, f"passage « {c.chunk_id} » en double (aussi dans "
                                                    f"{docs[seen[c.chunk_id].doc_id].path.name}) : renommer une section")
        seen[c.chunk_id] = c


def _write_error(exc: BaseException, settings: Settings) -> KbError:
    """A failed write as the user can act on it: full disk, read-only or forbidden data dir, else the cause."""
    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    where = settings.data_dir
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text or "no space" in text:
        return KbError(f"Disque plein : impossible d'écrire l'index dans {settings.index_root}. Libérer de la place "
                       "puis relancer « kb ingest » (l'index précédent reste en service).")
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text or "read-only" in text:
        return KbError(f"Dossier de données en lecture seule ou permission refusée : {where} (KB_DATA_DIR). L'index "
                       "existant reste interrogeable ; pour indexer, rendre ce dossier accessible en écriture ou "
                       "choisir un autre KB_DATA_DIR.")
    return KbError(f"Écriture de l'index impossible dans {settings.index_root} ({exc.__class__.__name__} : {exc}).")


def _discard(settings: Settings, build_dir: Path, collection: str) -> None:
    """Remove a build that failed halfway (and its server collection), as far as the disk allows."""
    if settings.chroma_url:
        try:
            from kb.index.dense import chroma_client

            chroma_client(settings.chroma_url, build_dir).delete_collection(collection)
        except Exception:  # never created, or the server is the problem: the next ingest cleans up
            pass
    shutil.rmtree(build_dir, ignore_errors=True)


@contextmanager
def _ingest_lock(settings: Settings, on_wait: Callable[[str], None] | None, timeout: float = LOCK_TIMEOUT):
    """An exclusive lock on `<data_dir>/index/ingest.lock`, released when the process ends however it ends.
    Yields whether it had to wait for another ingest."""
    root = settings.index_root
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / INGEST_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        try:  # a read-only data dir: the lock can still be taken on the existing file (an up-to-date index is fine)
            fd = os.open(root / INGEST_LOCK, os.O_RDONLY)
        except OSError:
            raise _write_error(exc, settings) from exc
    try:
        waited = False
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waited and on_wait is not None:
                    on_wait(f"Une autre indexation est en cours ({root}) : attente de sa fin…")
                waited = True
                if time.monotonic() > deadline:
                    raise KbError(f"Une autre indexation occupe {root} depuis plus de {timeout:.0f} s : réessayer "
                                  "plus tard (ou arrêter le « kb ingest » bloqué).") from None
                time.sleep(0.2)
        yield waited
    finally:
        os.close(fd)


def _current_id(settings: Settings) -> str | None:
    try:
        return (settings.index_root / "CURRENT").read_text().strip() or None
    except OSError:
        return None


def _dense_present(settings: Settings, manifest: dict) -> bool:
    """An index is only up to date if its dense part is there: a Chroma server may have lost the collection."""
    if not settings.chroma_url:
        return True
    from chromadb.errors import NotFoundError

    from kb.index.dense import chroma_client

    try:
        return chroma_client(settings.chroma_url, Path()).get_collection(manifest["collection"]).count() > 0 \
            or manifest.get("chunks") == 0
    except (NotFoundError, ValueError):
        return False


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
    """Drop every other build (complete, or left half-done by a killed ingest) and its server collection. Spared:
    the build CURRENT names, a build another running ingest is still writing, and a build a reader still holds
    (an open `Store`: `kb ask`, the app), which goes at a later ingest."""
    builds = settings.index_root / "builds"
    if not builds.is_dir():
        return
    for path in builds.iterdir():
        if path.name in (keep, _current_id(settings)) or _building(path) is not None:
            continue
        with _unless_read(path) as free:
            if not free:
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


@contextmanager
def _unless_read(build_dir: Path):
    """Yields True with an exclusive lock on the build's manifest (no reader can start on it meanwhile), or False
    when a reader holds its shared lock. A build without a manifest was never readable: always free."""
    try:
        fd = os.open(build_dir / "manifest.json", os.O_RDONLY)
    except OSError:
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _hold(build_dir: Path):
    """A shared lock on a build's manifest, kept as long as the returned file is open: the ingest that replaces
    this build leaves it on disk meanwhile. FileNotFoundError if the build was removed before the lock was had."""
    lease = open(build_dir / "manifest.json", "rb")  # noqa: SIM115 - held for the Store's lifetime
    try:
        fcntl.flock(lease.fileno(), fcntl.LOCK_SH)
        if os.fstat(lease.fileno()).st_nlink == 0:  # removed while we waited for the lock
            raise FileNotFoundError(build_dir / "manifest.json")
    except BaseException:
        lease.close()
        raise
    return lease


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
    """A loaded index: chunks, documents, the lexical index and the dense collection. It holds its build (a shared
    lock) until closed, so a re-ingest never deletes the files under it; loading writes nothing (a read-only data
    dir still answers)."""

    def __init__(self, settings: Settings):
        for attempt in range(3):  # CURRENT moved between reading it and holding its build: read it again
            try:
                self._load(settings)
                return
            except FileNotFoundError:
                if attempt == 2:
                    raise IndexMissingError("Index courant introuvable (ou remplacé pendant son ouverture) : "
                                            "relancer « kb ingest ».") from None

    def _load(self, settings: Settings) -> None:
        manifest = current_manifest(settings)
        if manifest is None and _current_id(settings) is not None:
            raise FileNotFoundError(settings.index_root / "CURRENT")  # its build was just replaced: read again
        if manifest is None:
            raise IndexMissingError("Aucun index : lancer d'abord « kb ingest ».")
        changed = stale_settings(settings, manifest)
        if changed:
            raise IndexMissingError(f"Index construit avec d'autres réglages ({' ; '.join(changed)}). "
                                    "Relancer « kb ingest ».")
        from kb.index.dense import DenseIndex, chroma_client
        from kb.index.lexical import LexicalIndex

        self.settings = settings
        self.manifest = manifest
        build_dir = settings.index_root / "builds" / manifest["build_id"]
        self._lease = _hold(build_dir)
        try:
            self.chunks = [Chunk(**{**r, "heading_path": tuple(r["heading_path"]), "actors": tuple(r["actors"])})
                           for r in _read_jsonl(build_dir / "chunks.jsonl")]
            self.position = {c.chunk_id: i for i, c in enumerate(self.chunks)}
            self.documents = {r["doc_id"]: _load_doc(r) for r in _read_jsonl(build_dir / "documents.jsonl")}
            self.lexical = LexicalIndex.load(build_dir / "bm25")
            chroma_dir = build_dir / "chroma"
            if not settings.chroma_url and not _writable(chroma_dir):
                chroma_dir = self._private_copy(chroma_dir)
            self.dense = DenseIndex(chroma_client(settings.chroma_url, chroma_dir), manifest["collection"],
                                    _reader_embedder(settings), where=settings.chroma_url or "",
                                    expected=manifest.get("chunks"))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Let go of the build (a later ingest may then remove it)."""
        self._lease.close()

    def _private_copy(self, chroma_dir: Path) -> Path:
        """Chroma opens its SQLite file for writing even to read it: in a read-only data dir, it reads a private
        copy in the temporary directory instead (removed with this Store)."""
        import tempfile
        import weakref

        tmp = Path(tempfile.mkdtemp(prefix="kb-chroma-"))
        weakref.finalize(self, shutil.rmtree, tmp, True)
        shutil.copytree(chroma_dir, tmp / "chroma", copy_function=shutil.copyfile)
        for root, _, _ in os.walk(tmp):  # copytree copies the folders' read-only modes too
            os.chmod(root, 0o700)
        return tmp / "chroma"

    def chunk(self, chunk_id: str) -> Chunk:
        return self.chunks[self.position[chunk_id]]


def _writable(folder: Path) -> bool:
    return all(os.access(p, os.W_OK) for p in (folder, *folder.glob("*.sqlite3")))


def _reader_embedder(settings: Settings):
    """The embedding cache when it can be written, else the model alone: opening an index never creates a file
    in a read-only data dir (questions are never cached anyway)."""
    from kb.embed import CachedEmbeddings, make_embeddings

    inner = make_embeddings(settings.embedder, settings)
    cache = settings.cache_dir
    if cache.is_dir() and os.access(cache, os.W_OK):
        try:
            return CachedEmbeddings(inner, cache)
        except (OSError, sqlite3.Error):
            pass
    return inner


def _load_doc(r: dict) -> Document:
    decision = r.get("decision")
    return Document(**{
        **r, "path": Path(r["path"]), "about": tuple(r["about"]), "actors": tuple(r["actors"]),
        "pages": tuple(r["pages"]),
        "decision": Decision(**{**decision, "breaches": tuple(decision["breaches"])}) if decision else None,
    })
