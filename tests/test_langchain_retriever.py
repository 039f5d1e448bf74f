"""The hybrid retriever behind LangChain's retriever interface: documents that keep their provenance."""

from __future__ import annotations

from kb.langchain_retriever import KbRetriever


def test_langchain_retriever_returns_documents_with_provenance(tiny_engine):
    retriever = KbRetriever(retriever=tiny_engine.retriever, k=5)
    docs = retriever.invoke("notification d'une violation de données à l'autorité de contrôle")
    assert len(docs) == 5
    assert all(d.metadata["url"] and d.metadata["locator"] for d in docs)
    assert any(d.metadata["doc_id"] == "rgpd-art-33" for d in docs)
