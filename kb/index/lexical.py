"""Lexical index: bm25s over French stems, with legal references as single tokens."""

from __future__ import annotations

from pathlib import Path

import bm25s
import numpy as np

from kb.legalrefs import GDPR_PREFIX, ref_token
from kb.text import tokenize
from kb.types import Chunk


def chunk_tokens(chunk: Chunk) -> list[str]:
    """Tokens of a passage, plus its own document id so that « art. 28 RGPD » finds article 28."""
    gdpr = chunk.doc_id.startswith(GDPR_PREFIX)
    return tokenize(chunk.index_text(), bare_articles_are_gdpr=gdpr) + [ref_token(chunk.doc_id)]


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25):
        self.retriever = retriever

    @classmethod
    def build(cls, chunks: list[Chunk]) -> "LexicalIndex":
        retriever = bm25s.BM25()
        retriever.index([chunk_tokens(c) for c in chunks], show_progress=False)
        return cls(retriever)

    def save(self, path: Path) -> None:
        self.retriever.save(str(path))

    @classmethod
    def load(cls, path: Path) -> "LexicalIndex":
        return cls(bm25s.BM25.load(str(path)))

    def scores(self, question: str) -> np.ndarray:
        """BM25 score of every chunk (in index order) for the question."""
        tokens = tokenize(question, bare_articles_are_gdpr=True, query=True)
        if not tokens:
            return np.zeros(self.retriever.scores["num_docs"], dtype=np.float32)
        return self.retriever.get_scores(tokens)
