"""Regulatory knowledge base on French health-data liability (médecin, éditeur, hébergeur HDS).

    import kb
    engine = kb.Engine()
    answer = engine.answer("Mon éditeur doit-il être certifié HDS ?")
    hits = kb.search(engine, "notification d'une violation", k=5)

This is the front door the edges (kb/cli.py, app.py) use, with kb.render, kb.labels, kb.export, kb.errors and
kb.config: they never import inner modules. Attributes load lazily so that light commands (`kb ingest` with
nothing to do) start fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name → (module, attribute in it)
_PUBLIC = {
    # answering
    "Engine": ("kb.answer", "Engine"),
    "Settings": ("kb.config", "Settings"),
    "search": ("kb.api", "search"),
    "IndexInfo": ("kb.api", "IndexInfo"),
    "index_info": ("kb.api", "index_info"),
    "documents": ("kb.api", "documents"),
    "cited_passage": ("kb.api", "cited_passage"),
    "check_question": ("kb.scope", "check_question"),
    "redact": ("kb.privacy", "redact"),
    "Redaction": ("kb.privacy", "Redaction"),
    # what answers are made of
    "Answer": ("kb.types", "Answer"),
    "ActorRow": ("kb.types", "ActorRow"),
    "Citation": ("kb.types", "Citation"),
    "Decision": ("kb.types", "Decision"),
    "Document": ("kb.types", "Document"),
    "Hit": ("kb.types", "Hit"),
    "Statement": ("kb.types", "Statement"),
    "ACTORS": ("kb.types", "ACTORS"),
    "ACTOR_LABELS": ("kb.types", "ACTOR_LABELS"),
    "Line": ("kb.context", "Line"),
    "answer_to_dict": ("kb.serialize", "answer_to_dict"),
    "answer_from_dict": ("kb.serialize", "answer_from_dict"),
    "Passage": ("kb.context", "Passage"),
    # the corpus and its index
    "has_index": ("kb.api", "has_index"),
    "ingest": ("kb.index.store", "ingest"),
    "reference_documents": ("kb.api", "reference_documents"),
    "sources_table": ("kb.sources", "sources_table"),
    "last_check": ("kb.sources", "last_check"),
    "CHECKSUMS": ("kb.corpus", "CHECKSUMS"),
    "seal": ("kb.corpus", "seal"),
    "seal_changes": ("kb.corpus", "seal_changes"),
    "plan_sync": ("kb.sync", "plan_sync"),
    "format_plan": ("kb.sync", "format_plan"),
    "apply_plan": ("kb.sync", "apply_plan"),
    # evaluation
    "evaluate": ("kb.evaluation", "evaluate"),
    "evaluation_summary": ("kb.evaluation", "summary"),
    "write_report": ("kb.evaluation", "write_report"),
}
__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'kb' has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
