"""`kb sync`: fetch the official texts of the manifest's documents (Légifrance API on PISTE, or DILA dumps),
show what would change, and write only when asked, atomically. Modules, in data order:
sources (where each document lives) → client + legifrance | dila (fetch) → resolve (which version) →
convert (corpus Markdown) → plan (compare, report) → write (atomic apply)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kb.config import Settings
from kb.corpus import MANIFEST, load_manifest
from kb.errors import CorpusError
from kb.sync.plan import SyncPlan, build_plan, format_plan, pin_of
from kb.sync.resolve import resolve
from kb.sync.sources import ARTICLE, CODES, targets
from kb.sync.write import apply_plan

__all__ = ["SyncPlan", "apply_plan", "format_plan", "plan_sync"]


def plan_sync(settings: Settings, from_dila: Path | None = None, only: tuple[str, ...] = (),
              today: date | None = None) -> SyncPlan:
    """Fetch and compare; writes nothing. Every network or dump error is raised before any write."""
    today = today or date.today()
    corpus_dir = settings.corpus_dir
    if not (corpus_dir / MANIFEST).is_file():
        raise CorpusError(corpus_dir / MANIFEST, "manifeste introuvable : vérifier --corpus (ou KB_CORPUS_DIR)")
    manifest = load_manifest(corpus_dir)
    wanted = targets(manifest, tuple(only))
    source = _source(settings, from_dila, wanted)
    try:
        resolutions = [resolve(t, source, today, pin_of(corpus_dir, t.path)) for t in wanted]
    finally:
        source.close()
    return build_plan(corpus_dir, manifest, resolutions, source.label, today)


def _source(settings: Settings, from_dila: Path | None, wanted):
    if from_dila is not None:
        from kb.sync.dila import DilaSource

        return DilaSource(from_dila, {t.code_id for t in wanted if t.route == ARTICLE} or {c for c, _ in CODES.values()})
    from kb.sync.client import PisteClient
    from kb.sync.legifrance import LegifranceSource

    return LegifranceSource(PisteClient.from_settings(settings))
