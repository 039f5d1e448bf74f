"""The refusal rule after retrieval, defined once: the engine applies it, the evaluation report simulates it
at other thresholds. Refuse when nothing is named and neither index finds the question's field."""

from __future__ import annotations

from collections.abc import Sequence

from kb.scope import is_in_domain

EVIDENCE_MARGIN = 0.04  # a question in the domain's words may score this much under min_evidence


def enough_evidence(question: str, references: Sequence[str], top_dense: float, min_evidence: float,
                    lexical_only: bool = False, lexical_hits: int = 0) -> bool:
    if references:
        return True
    if lexical_only:  # no similarity to read: the field's words must be there and match
        return is_in_domain(question) and lexical_hits > 0
    return top_dense >= min_evidence or (is_in_domain(question) and top_dense >= min_evidence - EVIDENCE_MARGIN)
