"""Answers imported from a `kb ask --json` file are checked again against the corpus before they are
printed: a dossier shows its quotes as the official text, so an edited or stale quote is refused, never
exported as law. The rule is the one `kb.compose.verify.check_citations` applies to a fresh answer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields

from kb.corpus import has_marker
from kb.errors import ExportError
from kb.privacy import redact
from kb.types import ACTORS, Answer, Decision, Document

_REDO = "refaire la réponse avec « kb ask --json » sur le corpus actuel"


def verify_answers(answers: Iterable[Answer], documents: Mapping[str, Document]) -> None:
    """Raise ExportError naming the question and citation when a quote is not the corpus text at its offsets
    (or holds a gap marker), when a corpus sentence is not inside its quote, or a decision is not the corpus's."""
    for q, answer in enumerate(answers, start=1):
        _check_types(answer, q)
        where = f"Réponse importée, question {q} (« {_short(redact(answer.question).text)} »)"
        for i, c in enumerate(answer.citations, start=1):
            if c.n != i:
                raise ExportError(f"{where} : la citation [{_short(str(c.n))}] devrait porter le numéro {i} ; "
                                  f"{_REDO}.")
            doc = documents.get(c.doc_id)
            if doc is None:
                raise ExportError(f"{where}, citation [{c.n}] : le document « {_short(c.doc_id)} » n'est pas dans "
                                  f"le corpus ; {_REDO}.")
            if not _verbatim(doc, c.start, c.end, c.quote):
                raise ExportError(f"{where}, citation [{c.n}] ({_short(c.chunk_id)}) : le texte cité n'est pas "
                                  "celui du corpus à ses positions (citation modifiée, ou corpus changé depuis) ; "
                                  f"{_REDO}.")
        statements = answer.conclusion + answer.brief
        statements += [s for row in answer.actors for s in row.obligations + row.responsibility + row.sanctions]
        for s in statements:
            numbers = tuple(getattr(s, "numbers", (s.n,)))
            if not all(isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= len(answer.citations)
                       for n in numbers):
                raise ExportError(f"{where} : la phrase « {_short(s.text)} » renvoie à une citation "
                                  f"({_short(str(numbers))}) qui n'existe pas ; {_REDO}.")
            if not s.map_id and s.text not in answer.citations[s.n - 1].quote:
                raise ExportError(f"{where} : la phrase « {_short(s.text)} » ne figure pas dans sa citation "
                                  f"[{s.n}] ; {_REDO}.")
        for row in answer.actors:
            if row.actor not in ACTORS:
                raise ExportError(f"{where} : acteur inconnu « {_short(str(row.actor))} » (attendu : "
                                  f"{', '.join(ACTORS)}) ; {_REDO}.")
        for d in answer.decisions:
            doc = documents.get(d.doc_id)
            if doc is None or doc.decision != d:
                raise ExportError(f"{where} : la décision {_short(str(d.reference))} ne correspond pas à celle "
                                  f"du corpus ; {_REDO}.")


def _check_types(answer: Answer, q: int) -> None:
    """Every field has the type `kb ask --json` writes (a number where a number goes, text elsewhere), so that
    nothing else can reach the dossier unescaped or make an exporter fail halfway."""
    texts = [answer.question, answer.refusal_reason, answer.gap, answer.mode, answer.llm_text,
             *answer.notices, *answer.suggestions]
    ok = isinstance(answer.refused, bool) and all(isinstance(t, str) for t in texts)
    items = [*answer.citations, *answer.decisions, *answer.conclusion, *answer.brief,
             *(s for row in answer.actors for s in row.obligations + row.responsibility + row.sanctions)]
    for item in items:
        for f in fields(item):
            value = getattr(item, f.name)
            expected = {"str": str, "int": int, "int | None": (int, type(None))}.get(str(f.type))
            if expected and (not isinstance(value, expected) or isinstance(value, bool)):
                ok = False
        if isinstance(item, Decision) and not all(isinstance(b, str) for b in item.breaches):
            ok = False
    if not ok:
        raise ExportError(f"Réponse importée, question {q} : un champ n'a pas le type écrit par « kb ask --json » "
                          f"(texte ou nombre) ; {_REDO}.")


def _verbatim(doc: Document, start, end, quote) -> bool:
    if not (isinstance(start, int) and isinstance(end, int) and isinstance(quote, str)):
        return False
    return bool(quote) and doc.text[start:end] == quote and not has_marker(quote)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
