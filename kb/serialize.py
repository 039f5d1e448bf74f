"""Answer ⇄ the stable JSON schema of `kb ask --json` (documented in README), read back by
`kb export --from-json`. Above kb/types.py and kb/render.py: the JSON carries the rendered Markdown."""

from __future__ import annotations

from dataclasses import asdict

from kb.render import answer_markdown
from kb.types import ActorRow, Answer, Citation, Decision, Statement


def answer_to_dict(answer: Answer) -> dict:
    """The stable JSON schema of `kb ask --json` (documented in README)."""
    return {
        "question": answer.question,
        "refused": answer.refused,
        "refusal_reason": answer.refusal_reason,
        "mode": answer.mode,
        "answer_markdown": answer_markdown(answer),
        "answer": [asdict(s) for s in answer.conclusion],
        "gap": answer.gap,
        "brief": [asdict(s) for s in answer.brief],
        "actors": {row.actor: row.citation_numbers() for row in answer.actors},
        "table": [
            {
                "actor": row.actor,
                "obligations": [asdict(s) for s in row.obligations],
                "responsibility": [asdict(s) for s in row.responsibility],
                "sanctions": [asdict(s) for s in row.sanctions],
            }
            for row in answer.actors
        ],
        "citations": [asdict(c) for c in answer.citations],
        "decisions": [asdict(d) for d in answer.decisions],
        "retrieved": [
            {"chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "score": round(h.score, 6)}
            for h in answer.retrieved
        ],
        "notices": answer.notices,
        "suggestions": answer.suggestions,
        "llm_text": answer.llm_text,
        "timings": {k: round(v, 4) for k, v in answer.timings.items()},
    }


def answer_from_dict(data: dict) -> Answer:
    """Rebuild an answer saved by `kb ask --json` (for `kb export --from-json`)."""

    def stmts(items):
        return [Statement(**{**s, "more": tuple(s.get("more", ()))}) for s in items]

    return Answer(
        question=data["question"],
        refused=data["refused"],
        refusal_reason=data.get("refusal_reason", ""),
        mode=data.get("mode", "extractif"),
        conclusion=stmts(data.get("answer", [])),
        gap=data.get("gap", ""),
        brief=stmts(data.get("brief", [])),
        actors=[
            ActorRow(r["actor"], stmts(r["obligations"]), stmts(r["responsibility"]), stmts(r["sanctions"]))
            for r in data.get("table", [])
        ],
        citations=[Citation(**c) for c in data.get("citations", [])],
        decisions=[Decision(**{**d, "breaches": tuple(d["breaches"])}) for d in data.get("decisions", [])],
        notices=list(data.get("notices", [])),
        suggestions=list(data.get("suggestions", [])),
        llm_text=data.get("llm_text", ""),
        timings=dict(data.get("timings", {})),
    )
