"""Apply a sync plan atomically: every official file, `official.sha256` and `sources.toml` are staged next to
the corpus, then swapped in one by one with a backup of each; any failure puts every file back."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import tomllib
from pathlib import Path

from kb.corpus import MANIFEST
from kb.sync.errors import ApplyError
from kb.sync.plan import Change, SyncPlan

CHECKSUMS = "official.sha256"


def apply_plan(plan: SyncPlan, corpus_dir: Path) -> list[str]:
    """Write the plan's files, their checksums and manifest entries; returns the paths written (relative)."""
    changes = plan.to_write
    if not changes:
        return []
    files = {c.path: c.content.encode("utf-8") for c in changes}
    files[CHECKSUMS] = checksums(corpus_dir, files)
    files[MANIFEST] = manifest_bytes(corpus_dir, changes, plan.today.isoformat())
    atomic_write(corpus_dir, files)
    return list(files)


def checksums(corpus_dir: Path, files: dict[str, bytes]) -> bytes:
    """sha256sum lines (`<hex>  <name>`, sorted by name): written files replace their line, others are kept."""
    path = corpus_dir / CHECKSUMS
    sums: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip()):
                sums[m[2]] = m[1]
    for rel, data in files.items():
        if rel.startswith("official/"):
            sums[rel.removeprefix("official/")] = hashlib.sha256(data).hexdigest()
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items())).encode("utf-8")


def manifest_bytes(corpus_dir: Path, changes: list[Change], today: str) -> bytes:
    """The manifest with only the synced entries' version, verified_on, legal_status and status rewritten (the
    official file added to `files` if missing); every other byte is kept."""
    path = corpus_dir / MANIFEST
    text = path.read_text(encoding="utf-8")
    for c in changes:
        text = update_entry(text, c.doc_id, {"version": c.version, "verified_on": today,
                                             "legal_status": c.legal_status, "status": "complete"}, c.path)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ApplyError(f"La mise à jour de {MANIFEST} le rendrait illisible ({exc}) : rien n'a été écrit.") from exc
    return text.encode("utf-8")


def update_entry(text: str, doc_id: str, values: dict[str, str], file: str) -> str:
    """Rewrite some keys of one `[documents."<id>"]` block; a synced text is verified, so the warning
    `possibly_amended_by` goes."""
    header = re.search(rf'^\[documents\."{re.escape(doc_id)}"\][ \t]*\n', text, re.M)
    if header is None:
        raise ApplyError(f"Entrée « {doc_id} » absente de {MANIFEST} : rien n'a été écrit.")
    end = re.search(r"^\[", text[header.end():], re.M)
    stop = header.end() + end.start() if end else len(text)
    block = text[header.end():stop]
    block = re.sub(r"^possibly_amended_by[ \t]*=.*\n", "", block, flags=re.M)
    for key, value in values.items():
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
        block, n = re.subn(rf"^{key}[ \t]*=.*$", lambda _: line, block, count=1, flags=re.M)
        if not n:
            block = _insert_before_files(block, line)
    files = re.search(r"^files[ \t]*=[ \t]*\[(.*)\][ \t]*$", block, re.M)
    if files and json.dumps(file) not in files[1]:
        listed = files[1].strip()
        new = f"files = [{json.dumps(file)}{', ' + listed if listed else ''}]"
        block = block[:files.start()] + new + block[files.end():]
    elif files is None:
        block = _insert_before_files(block, f"files = [{json.dumps(file)}]")
    return text[:header.end()] + block + text[stop:]


def _insert_before_files(block: str, line: str) -> str:
    m = re.search(r"^files[ \t]*=", block, re.M)
    if m:
        return block[:m.start()] + line + "\n" + block[m.start():]
    body = block.rstrip("\n")
    return body + ("\n" if body else "") + line + "\n" + block[len(body):].removeprefix("\n")


def atomic_write(root: Path, files: dict[str, bytes]) -> None:
    """All files or none: stage beside `root` (same file system), then swap each in with a backup."""
    try:
        stage = Path(tempfile.mkdtemp(prefix=f".{root.name}-sync-", dir=root.parent))
        for rel, data in files.items():
            staged = stage / "new" / rel
            staged.parent.mkdir(parents=True, exist_ok=True)
            with open(staged, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            if (root / rel).exists():
                os.chmod(staged, (root / rel).stat().st_mode & 0o777)  # read-only texts stay read-only
    except OSError as exc:
        if "stage" in locals():
            shutil.rmtree(stage, ignore_errors=True)
        raise ApplyError(f"Préparation de l'écriture impossible ({exc.strerror or exc}) : rien n'a été écrit.") \
            from exc
    placed: list[str] = []
    saved: list[str] = []
    try:
        for rel in files:
            dest = root / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.exists():
                (stage / "old" / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(dest, stage / "old" / rel)
                saved.append(rel)
            os.replace(stage / "new" / rel, dest)
            placed.append(rel)
    except OSError as exc:
        try:
            _rollback(root, stage, placed, saved)
        except OSError as again:
            raise ApplyError(f"Écriture interrompue ({exc.strerror or exc}) et remise en état impossible "
                             f"({again.strerror or again}) : les fichiers d'origine sont dans {stage / 'old'}.") from exc
        shutil.rmtree(stage, ignore_errors=True)
        raise ApplyError(f"Écriture interrompue ({exc.strerror or exc}) : tous les fichiers ont été remis "
                         "dans leur état d'origine.") from exc
    shutil.rmtree(stage, ignore_errors=True)


def _rollback(root: Path, stage: Path, placed: list[str], saved: list[str]) -> None:
    for rel in reversed(placed):
        (root / rel).unlink(missing_ok=True)
    for rel in reversed(saved):
        os.replace(stage / "old" / rel, root / rel)
