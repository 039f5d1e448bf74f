"""Dense index: a Chroma collection (local directory, or a Chroma server when KB_CHROMA_URL is set),
filled and queried through LangChain's Chroma store and our cached `Embeddings`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from kb.errors import ConfigError, IndexMissingError
from kb.types import Chunk

_CHROMA_SETTINGS = ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def chroma_client(chroma_url: str | None, local_dir: Path) -> chromadb.ClientAPI:
    """A client for the server at `chroma_url`, or for a local directory; telemetry off either way."""
    if chroma_url:
        url = urlparse(chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(f"KB_CHROMA_URL invalide « {chroma_url} » : une adresse http://hôte:port est attendue.")
        try:
            return chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https",
                                       settings=_CHROMA_SETTINGS)
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise IndexMissingError(f"Serveur Chroma injoignable à {chroma_url} ({exc}).") from exc
    return chromadb.PersistentClient(path=str(local_dir), settings=_CHROMA_SETTINGS)


class DenseIndex:
    def __init__(self, client: chromadb.ClientAPI, collection: str, embeddings: Embeddings):
        self.client = client
        self.collection = collection
        self.embeddings = embeddings
        self.store = Chroma(client=client, collection_name=collection, embedding_function=embeddings,
                            collection_metadata={"hnsw:space": "cosine"})

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
        vector = self.embeddings.embed_query(question)
        results = self.store.similarity_search_by_vector_with_relevance_scores(vector, k=k)
        return [(doc.id, 1.0 - distance) for doc, distance in results]

    def count(self) -> int:
        return self.client.get_collection(self.collection).count()

    def drop(self) -> None:
        self.client.delete_collection(self.collection)
