"""The hybrid retriever as a LangChain retriever (`KbRetriever`), to plug into one's own chains; kept apart
from kb/retrieve.py so that retrieval does not depend on LangChain's retriever classes."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LcDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from kb.retrieve import HybridRetriever


class KbRetriever(BaseRetriever):
    """The hybrid retriever as a LangChain retriever, to plug into one's own chains."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retriever: HybridRetriever
    k: int = 8

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[LcDocument]:
        return [
            LcDocument(
                page_content=h.chunk.text,
                id=h.chunk.chunk_id,
                metadata={"chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "locator": h.chunk.locator,
                          "url": h.chunk.url, "version": h.chunk.version, "status": h.chunk.status, "score": h.score},
            )
            for h in self.retriever.retrieve(query, self.k).hits
        ]
