"""The corpus as a table: every manifest document (shipped or not) and every indexed file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kb.config import Settings
from kb.corpus import load_manifest
from kb.index.store import current_manifest
from kb.labels import SOURCE_STATUS as STATUS_LABELS


def sources_table(settings: Settings) -> list[dict]:
    """One row per document id: manifest entries first, then indexed documents not in the manifest
    (fiches, user PDFs). Chunk counts come from the current index (0 when not indexed)."""
    manifest = load_manifest(settings.corpus_dir)
    index = current_manifest(settings) or {"documents": []}
    indexed = {d["doc_id"]: d for d in index["documents"]}
    fiches_about: dict[str, int] = {}
    for d in indexed.values():
        for about in d.get("about", []):
            fiches_about[about] = fiches_about.get(about, 0) + d["chunks"]
    rows = []
    for doc_id, e in manifest.items():
        status = STATUS_LABELS.get(e.status, e.status)
        if e.legal_status != "en vigueur":
            status += f" ({e.legal_status})"
        rows.append({"doc_id": doc_id, "title": e.title, "status": e.status, "status_label": status,
                     "legal_status": e.legal_status, "version": e.version, "url": e.url,
                     "verified_on": e.verified_on, "possibly_amended_by": e.possibly_amended_by,
                     "chunks": indexed.get(doc_id, {}).get("chunks", 0), "fiche_chunks": fiches_about.get(doc_id, 0)})
    for doc_id, d in indexed.items():
        if doc_id not in manifest:
            rows.append({"doc_id": doc_id, "title": d["title"], "status": d["status"],
                         "status_label": STATUS_LABELS.get(d["status"], d["status"]), "legal_status": d["legal_status"],
                         "version": d["version"], "url": d["url"], "verified_on": "", "possibly_amended_by": "",
                         "chunks": d["chunks"], "fiche_chunks": 0})
    return rows


STALE_DAYS = 90  # official texts checked longer ago than this: the app says to run « kb sync »


@dataclass(frozen=True)
class LastCheck:
    """When the official texts were last checked against their source: the oldest check of any of them."""

    date: dt.date
    days: int

    @property
    def stale(self) -> bool:
        return self.days > STALE_DAYS


def last_check(rows: list[dict], today: dt.date | None = None) -> LastCheck | None:
    dates = []
    for r in rows:
        try:
            dates.append(dt.date.fromisoformat(str(r.get("verified_on") or "")[:10]))
        except ValueError:
            continue
    if not dates:
        return None
    oldest = min(dates)
    return LastCheck(oldest, ((today or dt.date.today()) - oldest).days)
