"""Compare what the source gives with what the corpus holds, and say it before anything is written:
new, changed (with a short diff), repealed, renumbered, not found, not synced; fiches to review."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import frontmatter
import yaml

from kb.corpus import ManifestEntry
from kb.sync.convert import render
from kb.sync.resolve import FOUND, NOT_FOUND, NOT_YET, RENUMBERED, REPEALED, SKIPPED, Pin, Resolution

NEW, CHANGED, METADATA, UNCHANGED = "new", "changed", "metadata", "unchanged"
LABELS = {NEW: "nouveau", CHANGED: "modifié", METADATA: "version mise à jour", UNCHANGED: "inchangé",
          REPEALED: "abrogé", RENUMBERED: "renuméroté", NOT_FOUND: "introuvable", NOT_YET: "pas encore en vigueur",
          SKIPPED: "non synchronisé"}
REVIEW = {NEW, CHANGED, REPEALED, RENUMBERED}  # the basis of a fiche moved: a human rereads it
DIFF_LINES = 12
DIFF_WIDTH = 110


@dataclass
class Change:
    """What the sync would do to one document."""

    doc_id: str
    action: str
    path: str = ""  # relative to the corpus directory
    content: str | None = None  # the file to write; None: nothing to write
    version: str = ""
    legal_status: str = ""
    diff: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.action]


@dataclass
class SyncPlan:
    source: str
    today: date
    changes: list[Change]
    fiches: dict[str, list[str]] = field(default_factory=dict)  # fiche path → doc ids whose text moved

    @property
    def to_write(self) -> list[Change]:
        return [c for c in self.changes if c.content is not None]


def pin_of(corpus_dir: Path, rel_path: str) -> Pin:
    """The Légifrance ids a previous sync recorded in the document's front matter."""
    meta, _ = _read(corpus_dir / rel_path)
    return Pin(id=str(meta.get("legifrance_id") or ""), cid=str(meta.get("legifrance_cid") or ""))


def build_plan(corpus_dir: Path, manifest: dict[str, ManifestEntry], resolutions: list[Resolution], source: str,
               today: date) -> SyncPlan:
    changes = [_change(corpus_dir, manifest[r.target.doc_id], r, source, today) for r in resolutions]
    moved = {c.doc_id for c in changes if c.action in REVIEW}
    return SyncPlan(source, today, changes, fiches_to_review(corpus_dir, moved))


def _change(corpus_dir: Path, entry: ManifestEntry, res: Resolution, source: str, today: date) -> Change:
    target = res.target
    if res.status not in (FOUND, REPEALED) or res.text is None:
        return Change(target.doc_id, res.status, target.path, messages=res.messages)
    new = render(target, entry, res.text, source, today, res.upcoming)
    change = Change(target.doc_id, NEW, target.path, new.content, new.version, new.legal_status,
                    messages=res.messages)
    if res.status == REPEALED:
        change.action = REPEALED
    path = corpus_dir / target.path
    if not path.exists():
        return change
    meta, old_body = _read(path)
    old_ids = (str(meta.get("legifrance_id") or ""), str(meta.get("legifrance_cid") or ""))
    same_text = old_body.strip() == new.body.strip()
    same_meta = (str(meta.get("version") or ""), str(meta.get("legal_status") or "en vigueur"), old_ids) == \
        (new.version, new.legal_status, new.ids)
    if res.status == REPEALED and str(meta.get("legal_status") or "") != "abrogé":
        pass  # newly repealed: written, marked « abrogé »
    elif same_text and same_meta:
        change.action, change.content = UNCHANGED, None
    else:
        change.action = METADATA if same_text else CHANGED
    if not same_text:
        change.diff = short_diff(old_body, new.body)
    return change


def _read(path: Path) -> tuple[dict, str]:
    if not path.exists():
        return {}, ""
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError):
        return {}, path.read_text(encoding="utf-8", errors="replace")
    return dict(post.metadata), post.content


def short_diff(old: str, new: str) -> list[str]:
    """A few `-`/`+` lines: enough to see what moved, not a review tool."""
    lines = [line for line in difflib.unified_diff(old.strip().splitlines(), new.strip().splitlines(), lineterm="",
                                                   n=0)
             if line[:1] in "+-" and not line.startswith(("+++", "---")) and line[1:].strip()]
    lines = [f"{line[0]} {line[1:]}" for line in lines]
    shown = [line if len(line) <= DIFF_WIDTH else line[:DIFF_WIDTH - 1] + "…" for line in lines[:DIFF_LINES]]
    if len(lines) > DIFF_LINES:
        shown.append(f"… ({len(lines) - DIFF_LINES} lignes de plus)")
    return shown


def fiches_to_review(corpus_dir: Path, doc_ids: set[str]) -> dict[str, list[str]]:
    """Fiches whose front matter `about` names a document whose official text moved."""
    found: dict[str, list[str]] = {}
    for path in sorted((corpus_dir / "fiches").glob("*.md")) if doc_ids else []:
        meta, _ = _read(path)
        hit = [str(a) for a in meta.get("about") or [] if str(a) in doc_ids]
        if hit:
            found[str(path.relative_to(corpus_dir))] = hit
    return found


def format_plan(plan: SyncPlan, applying: bool = False) -> str:
    """The report, in French, one line per document (plus diff lines and notes)."""
    mode = "écriture" if applying else "simulation, rien n'est écrit"
    out = [f"Synchronisation depuis {plan.source} au {plan.today} ({mode})."]
    width = max((len(c.doc_id) for c in plan.changes), default=10)
    skipped = [c for c in plan.changes if c.action == SKIPPED]
    for c in plan.changes:
        if c.action == SKIPPED:
            continue
        line = f"  {c.label:<21} {c.doc_id:<{width}}"
        if c.version:
            line += f"  {c.version}"
        out.append(line.rstrip())
        out += [f"      {d}" for d in c.diff]
        out += [f"      ! {m}" for m in c.messages]
    for reason in dict.fromkeys(c.messages[0] if c.messages else "" for c in skipped):
        ids = [c.doc_id for c in skipped if (c.messages[0] if c.messages else "") == reason]
        out.append(f"  {reason} : {', '.join(ids)}")
    counts = {LABELS[a]: n for a in LABELS if (n := sum(c.action == a for c in plan.changes))}
    out.append("Bilan : " + ", ".join(f"{label} : {n}" for label, n in counts.items()) + ".")
    if plan.fiches:
        out.append("Fiches à relire (leur texte de base a changé) :")
        out += [f"  {path} ({', '.join(ids)})" for path, ids in plan.fiches.items()]
    if not plan.to_write:
        out.append("Rien à écrire : les textes officiels du corpus sont à jour.")
    elif not applying:
        out.append(f"{len(plan.to_write)} fichier(s) à écrire. Pour écrire : kb sync --apply (puis kb ingest).")
    return "\n".join(out)
