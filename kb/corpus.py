"""Load and validate corpus files: Markdown with front matter (official texts, fiches) and PDFs with a
sidecar front matter file (`contrat.pdf` + `contrat.pdf.md`). A bad file is reported, never fatal."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from kb.errors import CorpusError
from kb.types import ACTORS, COMPLETE, FICHE, PARTIAL, Decision, Document

MANIFEST = "sources.toml"
SIDECAR_SUFFIX = ".pdf.md"


@dataclass(frozen=True)
class ManifestEntry:
    doc_id: str
    title: str
    kind: str
    url: str
    version: str
    license: str
    status: str  # complete | partial | facts-only
    legal_status: str
    files: tuple[str, ...]
    verified_on: str = ""
    possibly_amended_by: str = ""
    replaced_by: tuple[str, ...] = ()  # a repealed text: the ids where its rules now are


@dataclass
class Corpus:
    documents: list[Document]
    problems: list[CorpusError] = field(default_factory=list)
    manifest: dict[str, ManifestEntry] = field(default_factory=dict)

    def by_id(self) -> dict[str, Document]:
        return {d.doc_id: d for d in self.documents}


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every file ingestion reads, in a stable order (the fingerprint depends on it): documents, the manifest and
    the who-does-what map (`responsabilites/*.yaml`, loaded by kb.responsibilities)."""
    files = [p for p in corpus_dir.rglob("*") if p.is_file() and not p.name.startswith(".")]
    return sorted(p for p in files if p.suffix.lower() in (".md", ".pdf") or p.name == MANIFEST or _is_map(p))


def _is_map(path: Path) -> bool:
    return path.suffix.lower() == ".yaml" and path.parent.name == "responsabilites"


def fingerprint(corpus_dir: Path) -> str:
    """A hash of every corpus file's name and bytes: equal fingerprints mean nothing to re-index."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(str(path.relative_to(corpus_dir)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def load_manifest(corpus_dir: Path) -> dict[str, ManifestEntry]:
    path = corpus_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(path, f"manifeste illisible ({exc})") from exc
    entries = {}
    for doc_id, e in data.get("documents", {}).items():
        entries[doc_id] = ManifestEntry(
            doc_id=doc_id, title=e["title"], kind=e["kind"], url=e["url"], version=e.get("version", ""),
            license=e.get("license", ""), status=e["status"], legal_status=e.get("legal_status", "en vigueur"),
            files=tuple(e.get("files", ())), verified_on=str(e.get("verified_on", "")),
            possibly_amended_by=str(e.get("possibly_amended_by", "")), replaced_by=tuple(e.get("replaced_by", ())),
        )
    return entries


def load_corpus(corpus_dir: Path) -> Corpus:
    """Every readable document under `corpus_dir`; unreadable ones go to `problems` with the reason."""
    if not corpus_dir.is_dir():
        raise CorpusError(corpus_dir, "dossier du corpus introuvable")
    problems: list[CorpusError] = []
    try:
        manifest = load_manifest(corpus_dir)
    except CorpusError as exc:
        problems.append(exc)
        manifest = {}
    documents: list[Document] = []
    seen: dict[str, Path] = {}
    for path in corpus_files(corpus_dir):
        if path.name == MANIFEST or _is_map(path):
            continue
        try:
            if path.name.endswith(SIDECAR_SUFFIX):
                if not path.with_suffix("").exists():  # contrat.pdf.md without contrat.pdf
                    raise CorpusError(path, f"fiche d'accompagnement sans PDF ({path.with_suffix('').name} absent)")
                continue
            doc = load_pdf(path) if path.suffix.lower() == ".pdf" else load_markdown(path)
            if doc.doc_id in seen:
                raise CorpusError(path, f"identifiant « {doc.doc_id} » déjà utilisé par {seen[doc.doc_id].name}")
            seen[doc.doc_id] = path
            documents.append(doc)
        except CorpusError as exc:
            problems.append(exc)
    return Corpus(documents, problems, manifest)


_MARKERS = re.compile(r"\[LACUNE:[^\]]*\]|<!--.*?-->", re.S)


def legal_text(text: str) -> str:
    """The text without the gap markers and maintainers' comments, which are not law."""
    return _MARKERS.sub("", text)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"le fichier n'est pas en UTF-8 (octet invalide à la position {exc.start})") from exc
    except OSError as exc:
        raise CorpusError(path, f"lecture impossible ({exc.strerror})") from exc


def _front_matter(path: Path, raw: str) -> tuple[dict, str]:
    if not raw.lstrip("\ufeff").startswith("---"):
        raise CorpusError(path, "pas d'en-tête YAML (front matter « --- » attendu en première ligne)")
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        raise CorpusError(path, f"en-tête YAML invalide ({exc.__class__.__name__})") from exc
    meta = dict(post.metadata)
    for key in ("id", "title"):
        if not meta.get(key):
            raise CorpusError(path, f"champ « {key} » manquant dans l'en-tête")
    return meta, post.content


def _document(path: Path, meta: dict, text: str, pages: tuple[int, ...] = ()) -> Document:
    if not legal_text(text).strip():
        raise CorpusError(path, "texte vide")
    kind = str(meta.get("kind", "document"))
    if kind == "fiche":
        status = FICHE
    else:
        status = COMPLETE if meta.get("complete", True) else PARTIAL
    urls = meta.get("sources") or []
    url = str(meta.get("source_url") or (urls[0] if urls else ""))
    actors = tuple(a for a in meta.get("actors", ()) if a in ACTORS)
    about = tuple(str(a) for a in meta.get("about", ()))
    decision = None
    if isinstance(meta.get("decision"), dict):
        d = meta["decision"]
        decision = Decision(
            authority=str(d.get("authority", "")), reference=str(d.get("reference", "")), date=str(d.get("date", "")),
            sanctioned=str(d.get("sanctioned", "")), sanctioned_actor=str(d.get("sanctioned_actor", "")),
            amount_eur=d.get("amount_eur"), breaches=tuple(d.get("breaches", ())), held=str(d.get("held", "")),
            doc_id=str(meta["id"]), url=url,
        )
    return Document(
        doc_id=str(meta["id"]), title=str(meta["title"]), kind=kind, text=text, path=path, url=url,
        version=str(meta.get("version") or meta.get("updated") or ""), license=str(meta.get("license", "")),
        status=status, legal_status=str(meta.get("legal_status", "en vigueur")), about=about, actors=actors,
        pages=pages, decision=decision, verified_on=str(meta.get("verified_on") or ""),
        possibly_amended_by=str(meta.get("possibly_amended_by") or ""),
    )


def load_markdown(path: Path) -> Document:
    meta, body = _front_matter(path, _read_text(path))
    return _document(path, meta, body)


def load_pdf(path: Path) -> Document:
    """A PDF with its sidecar `<name>.pdf.md` (front matter: id, title, source_url, version, license)."""
    from kb.pdf import extract_pages

    sidecar = path.with_name(path.name + ".md")
    if not sidecar.exists():
        raise CorpusError(path, f"PDF sans fiche d'accompagnement ({sidecar.name} attendu, avec id, title, source_url)")
    meta, _ = _front_matter(sidecar, _read_text(sidecar))
    meta.setdefault("kind", "pdf")
    pages = extract_pages(path)
    starts, text = [], ""
    for page in pages:
        starts.append(len(text))
        text += page + "\n\n"
    return _document(path, meta, text.rstrip() + "\n", tuple(starts))
