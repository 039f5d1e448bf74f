"""Dense index: a Chroma collection (local directory, or a Chroma server when KB_CHROMA_URL is set),
filled and queried through LangChain's Chroma store and our cached `Embeddings`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import chromadb
import httpx
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError, NotFoundError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from kb.errors import ConfigError, IndexMissingError
from kb.types import Chunk

SERVER_TIMEOUT = 8.0  # seconds a Chroma server may take to answer one request (chromadb sets no limit)
# Chroma's default ef_search (100) misses a few of the 40 nearest passages, differently from one run to the next
# (6 to 12 of 8,000 on 200 dev questions): the same question was answered differently across runs. 400 finds them
# all at this corpus's size, for well under a millisecond more.
SEARCH_EF = 400


def _chroma_settings() -> ChromaSettings:
    """A fresh settings object per client: chromadb.HttpClient writes the server address into the one it is given,
    which would turn every later local client into a client of that server."""
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def chroma_client(chroma_url: str | None, local_dir: Path) -> chromadb.ClientAPI:
    """A client for the server at `chroma_url`, or for a local directory; telemetry off either way."""
    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"KB_CHROMA_URL invalide « {chroma_url} » : une adresse http://hôte:port est attendue.")
        try:
            client = chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                         settings=_chroma_settings())
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise IndexMissingError(f"Serveur Chroma injoignable à {chroma_url} ({exc}).") from exc
        _bound_requests(client)
        return client
    return chromadb.PersistentClient(path=str(local_dir), settings=_chroma_settings())


def _bound_requests(client: chromadb.ClientAPI) -> None:
    """chromadb's HTTP session waits forever (timeout=None): a frozen server would hang every question. Its
    session is not public API, so this is best effort: a chromadb without it keeps its own behaviour."""
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(SERVER_TIMEOUT, connect=5.0)


class DenseIndex:
    def __init__(self, client: chromadb.ClientAPI, collection: str, embeddings: Embeddings, create: bool = False,
                 where: str = "", expected: int | None = None):
        """`create`: a new collection, for an ingest. Otherwise the collection must exist and hold passages: it is
        never created on read (an empty one would refuse every question without saying why). `where` names the
        server for the message; `expected` is the number of passages the manifest records."""
        self.client = client
        self.collection = collection
        self.embeddings = embeddings
        self.where = where
        if not create:
            self._check(expected)
        self.store = Chroma(client=client, collection_name=collection, embedding_function=embeddings,
                            collection_configuration={"hnsw": {"space": "cosine", "ef_search": SEARCH_EF}},
                            create_collection_if_not_exists=create)

    def _check(self, expected: int | None) -> None:
        try:
            count = self.client.get_collection(self.collection).count()
        except (NotFoundError, ValueError) as exc:
            raise IndexMissingError(self._missing("introuvable")) from exc
        except ChromaError as exc:
            raise IndexMissingError(self._missing(f"illisible : {exc.__class__.__name__}")) from exc
        if count == 0 and expected != 0:
            raise IndexMissingError(self._missing("vide"))

    def _missing(self, state: str) -> str:
        if self.where:
            return (f"Index absent sur le serveur Chroma {self.where} (collection « {self.collection} » {state}) : "
                    "lancer « kb ingest ».")
        return f"Index dense absent ou abîmé (collection « {self.collection} » {state}) : lancer « kb ingest »."

    def add(self, chunks: list[Chunk]) -> None:
        """Embed (through the cache) and store every chunk; ids are chunk ids."""
        texts = [c.index_text() for c in chunks]
        vectors = self.embeddings.embed_documents(texts)
        collection = self.client.get_collection(self.collection)
        for i in range(0, len(chunks), 500):
            part = slice(i, i + 500)
            collection.add(ids=[c.chunk_id for c in chunks[part]], embeddings=vectors[part],
                           metadatas=[{"doc_id": c.doc_id} for c in chunks[part]], documents=texts[part])

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the k nearest passages."""
        return self.search_vector(self.embeddings.embed_query(question), k)

    def search_vector(self, vector: list[float], k: int) -> list[tuple[str, float]]:
        """The same, for a question already embedded (the answer reuses the vector for the map)."""
        try:
            results = self.store.similarity_search_by_vector_with_relevance_scores(vector, k=k)
        except NotFoundError as exc:  # dropped on the server while this index was open
            raise IndexMissingError(self._missing("introuvable")) from exc
        except (httpx.HTTPError, ChromaError, ConnectionError, ValueError) as exc:  # stopped, frozen or failing
            where = f"Serveur Chroma {self.where}" if self.where else "Index dense"
            raise IndexMissingError(f"{where} injoignable ou sans réponse ({exc.__class__.__name__}) : vérifier "
                                    "qu'il tourne, puis reposer la question.") from exc
        return [(doc.id, 1.0 - distance) for doc, distance in results]

    def count(self) -> int:
        return self.client.get_collection(self.collection).count()
