"""Load and validate corpus files: Markdown with front matter (official texts, fiches) and PDFs with a
sidecar front matter file (`contrat.pdf` + `contrat.pdf.md`). A bad file is reported, never fatal."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import yaml

from kb.errors import CorpusError
from kb.jsonl import read_jsonl
from kb.types import ACTORS, COMPLETE, FICHE, PARTIAL, Decision, Document

MANIFEST = "sources.toml"
SIDECAR_SUFFIX = ".pdf.md"
CHECKSUMS = "official.sha256"  # sha256sum lines for official/: the seal `kb ingest` verifies and `kb seal` rewrites
OFFICIAL = "official"
STATUSES = ("complete", "partial", "facts-only")
_ID = re.compile(r"[^\W_][\w.-]*")  # no « # » (chunk ids are <doc id>#<part>), no « / », no space


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
    return _scan(corpus_dir)[0]


def _scan(corpus_dir: Path) -> tuple[list[Path], list[CorpusError]]:
    """The corpus files, and the symlinks that lead nowhere or in a loop (reported, never followed twice)."""
    files: list[Path] = []
    problems: list[CorpusError] = []
    seen_dirs: set[str] = set()
    for root, dirs, names in os.walk(corpus_dir, followlinks=True):
        real = os.path.realpath(root)
        if real in seen_dirs:
            problems.append(CorpusError(Path(root), "lien symbolique en boucle (dossier déjà parcouru) : ignoré"))
            dirs[:] = []
            continue
        seen_dirs.add(real)
        dirs.sort()
        for name in names:
            path = Path(root) / name
            if name.startswith("."):
                continue
            if path.is_symlink() and not path.exists():
                problems.append(CorpusError(path, "lien symbolique cassé ou en boucle : ignoré"))
                continue
            if path.is_file():
                files.append(path)
    wanted = sorted(p for p in files if p.suffix.lower() in (".md", ".pdf", ".jsonl") or p.name == MANIFEST or _is_map(p))
    return wanted, problems


def _is_map(path: Path) -> bool:
    return path.suffix.lower() == ".yaml" and path.parent.name == "responsabilites"


def fingerprint(corpus_dir: Path) -> str:
    """A hash of every corpus file's name and bytes: equal fingerprints mean nothing to re-index. An unreadable
    file counts by its error (ingestion reports it), so the fingerprint never fails."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(str(path.relative_to(corpus_dir)).encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError as exc:
            digest.update(f"illisible:{exc.errno}".encode())
    return digest.hexdigest()[:16]


def load_manifest(corpus_dir: Path) -> dict[str, ManifestEntry]:
    """The valid manifest entries (an invalid one is left out: `load_corpus` reports it)."""
    return read_manifest(corpus_dir)[0]


def read_manifest(corpus_dir: Path) -> tuple[dict[str, ManifestEntry], list[CorpusError]]:
    """The manifest's entries, and one problem per invalid entry (missing field, bad type) or listed file gone."""
    path = corpus_dir / MANIFEST
    if not path.exists():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(path, f"manifeste illisible ({exc})") from exc
    except OSError as exc:
        raise CorpusError(path, f"manifeste illisible ({_os_reason(exc)})") from exc
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        return {}, [CorpusError(path, "table « documents » attendue ([documents.\"<id>\"])")]
    entries, problems = {}, []
    for doc_id, e in documents.items():
        try:
            entries[doc_id] = _manifest_entry(doc_id, e)
        except ValueError as exc:
            problems.append(CorpusError(path, f"entrée « {doc_id} » : {exc}"))
            continue
        for f in entries[doc_id].files:
            if not (corpus_dir / f).is_file():
                problems.append(CorpusError(path, f"entrée « {doc_id} » : fichier {f} introuvable"))
    return entries, problems


def _manifest_entry(doc_id: str, e) -> ManifestEntry:
    if not isinstance(e, dict):
        raise ValueError("table attendue")
    for key in ("title", "kind", "url", "status"):
        if not isinstance(e.get(key), str) or not e[key].strip():
            raise ValueError(f"champ « {key} » manquant" if key not in e else f"champ « {key} » : texte attendu")
    if e["status"] not in STATUSES:
        raise ValueError(f"champ « status » : « {e['status']} » inconnu (choisir parmi : {', '.join(STATUSES)})")
    for key in ("files", "replaced_by"):
        if not isinstance(e.get(key, []), list) or not all(isinstance(f, str) for f in e.get(key, [])):
            raise ValueError(f"champ « {key} » : liste de textes attendue")
    return ManifestEntry(
        doc_id=doc_id, title=e["title"], kind=e["kind"], url=e["url"], version=str(e.get("version", "")),
        license=str(e.get("license", "")), status=e["status"], legal_status=str(e.get("legal_status", "en vigueur")),
        files=tuple(e.get("files", ())), verified_on=str(e.get("verified_on", "")),
        possibly_amended_by=str(e.get("possibly_amended_by", "")), replaced_by=tuple(e.get("replaced_by", ())),
    )


def load_corpus(corpus_dir: Path) -> Corpus:
    """Every readable document under `corpus_dir`; unreadable ones go to `problems` with the reason."""
    if not corpus_dir.is_dir():
        raise CorpusError(corpus_dir, "dossier du corpus introuvable")
    try:
        manifest, problems = read_manifest(corpus_dir)
    except CorpusError as exc:
        manifest, problems = {}, [exc]
    files, scan_problems = _scan(corpus_dir)
    problems += scan_problems
    loaded: list[Document] = []
    for path in files:
        if path.name == MANIFEST or _is_map(path):
            continue
        if path.suffix.lower() == ".jsonl":  # bulk documents, one a line (kb/jsonl.py)
            docs, bad = load_jsonl(path)
            loaded += docs
            problems += bad
            continue
        try:
            if path.name.endswith(SIDECAR_SUFFIX):
                if not path.with_suffix("").exists():  # contrat.pdf.md without contrat.pdf
                    raise CorpusError(path, f"fiche d'accompagnement sans PDF ({path.with_suffix('').name} absent)")
                continue
            loaded.append(load_pdf(path) if path.suffix.lower() == ".pdf" else load_markdown(path))
        except CorpusError as exc:
            problems.append(exc)
    documents, refused = _unique_ids(corpus_dir, loaded)
    return Corpus(documents, problems + refused, manifest)


def is_official(corpus_dir: Path, path: Path) -> bool:
    """A file of `official/`: the text of the law, which no other file may stand in for."""
    try:
        return Path(path).relative_to(corpus_dir).parts[0] == OFFICIAL
    except (ValueError, IndexError):
        return False


def _unique_ids(corpus_dir: Path, documents: list[Document]) -> tuple[list[Document], list[CorpusError]]:
    """One document per id. An official text always keeps its id (whatever sorts first); otherwise the first file
    does. The other file is refused, naming both."""
    owner: dict[str, Document] = {}
    for doc in documents:
        held = owner.get(doc.doc_id)
        if held is None or (is_official(corpus_dir, doc.path) and not is_official(corpus_dir, held.path)):
            owner[doc.doc_id] = doc
    kept, refused = [], []
    for doc in documents:
        held = owner[doc.doc_id]
        if held is doc:
            kept.append(doc)
            continue
        what = "le texte officiel " if is_official(corpus_dir, held.path) else ""
        refused.append(CorpusError(doc.path, f"identifiant « {doc.doc_id} » déjà utilisé par {what}"
                                             f"{_relative(corpus_dir, held.path)} : fichier refusé"))
    return kept, refused


def _relative(corpus_dir: Path, path: Path) -> str:
    try:
        return str(Path(path).relative_to(corpus_dir))
    except ValueError:
        return str(path)


def _os_reason(exc: OSError) -> str:
    """An OS error in French: what the user can act on."""
    return {errno.EACCES: "permission refusée", errno.EPERM: "permission refusée",
            errno.ELOOP: "lien symbolique en boucle", errno.ENOENT: "fichier introuvable",
            errno.EISDIR: "c'est un dossier", errno.EIO: "erreur d'entrée-sortie"}.get(exc.errno, exc.strerror or str(exc))


# What corpus files hold that is not law: gap markers « [LACUNE: …] » and maintainers' HTML comments.
GAP_OPEN, COMMENT_OPEN = "[LACUNE", "<!--"
MARKERS = re.compile(rf"{re.escape(GAP_OPEN)}:[^\]]*\]|{COMMENT_OPEN}.*?-->", re.S)


def has_marker(text: str) -> bool:
    """Whether a text (a quote) holds any part of a marker: such a text is never quoted as law."""
    return GAP_OPEN in text or COMMENT_OPEN in text


def legal_text(text: str) -> str:
    """The text without the gap markers and maintainers' comments, which are not law."""
    return MARKERS.sub("", text)


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(path, f"le fichier n'est pas en UTF-8 (octet invalide à la position {exc.start})") from exc
    except OSError as exc:
        raise CorpusError(path, f"lecture impossible ({_os_reason(exc)})") from exc


def _front_matter(path: Path, raw: str) -> tuple[dict, str]:
    raw = raw.removeprefix("\ufeff")  # a BOM (Windows editors) is not part of the text
    if not raw.startswith("---"):
        raise CorpusError(path, "pas d'en-tête YAML (front matter « --- » attendu en première ligne)")
    try:
        post = frontmatter.loads(raw)
    except yaml.YAMLError as exc:
        raise CorpusError(path, f"en-tête YAML invalide ({exc.__class__.__name__})") from exc
    if not isinstance(post.metadata, dict):
        raise CorpusError(path, "en-tête YAML invalide (des champs « clé: valeur » sont attendus)")
    meta = dict(post.metadata)
    for key in ("id", "title"):
        if meta.get(key) in (None, ""):
            raise CorpusError(path, f"champ « {key} » manquant dans l'en-tête")
    return meta, post.content


_SCALARS = ("title", "kind", "source_url", "version", "updated", "license", "legal_status", "verified_on",
            "possibly_amended_by")
_LISTS = ("about", "actors", "sources")
_DECISION_SCALARS = ("authority", "reference", "date", "sanctioned", "sanctioned_actor", "held")


def _check_fields(path: Path, meta: dict) -> None:
    """Every field the index uses has the type it needs; the message names the field and what was found."""
    def bad(key: str, expected: str, value) -> CorpusError:
        return CorpusError(path, f"champ « {key} » : {expected} attendu (trouvé : {_shown(value)})")

    if not isinstance(meta["id"], (str, int)) or isinstance(meta["id"], bool) or not _ID.fullmatch(str(meta["id"])):
        raise CorpusError(path, f"champ « id » invalide ({_shown(meta['id'])}) : lettres, chiffres, « - », « _ » "
                                "et « . » seulement")
    for key in _SCALARS:
        if isinstance(meta.get(key), (list, dict)):
            raise bad(key, "un texte", meta[key])
    for key in _LISTS:
        value = meta.get(key)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value)):
            raise bad(key, "une liste d'identifiants ([a, b])", value)
    if "complete" in meta and not isinstance(meta["complete"], bool):
        raise bad("complete", "true ou false", meta["complete"])
    decision = meta.get("decision")
    if decision is None:
        return
    if not isinstance(decision, dict):
        raise bad("decision", "un bloc de champs (reference, date, amount_eur…)", decision)
    for key in _DECISION_SCALARS:
        if isinstance(decision.get(key), (list, dict)):
            raise bad(f"decision.{key}", "un texte", decision[key])
    amount = decision.get("amount_eur")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))
                               or amount != int(amount) or amount < 0):
        raise bad("decision.amount_eur", "un nombre entier d'euros (3000, sans espace ni symbole)", amount)
    breaches = decision.get("breaches")
    if breaches is not None and (not isinstance(breaches, list) or not all(isinstance(b, str) for b in breaches)):
        raise bad("decision.breaches", "une liste d'identifiants ([rgpd-art-32])", breaches)


def _shown(value) -> str:
    if isinstance(value, bool):
        return f"le booléen {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"le nombre {value}"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un bloc de champs"
    return f"« {str(value)[:60]} »"


def _document(path: Path, meta: dict, text: str, pages: tuple[int, ...] = ()) -> Document:
    _check_fields(path, meta)
    if not legal_text(text).strip():
        raise CorpusError(path, "texte vide")
    kind = str(meta.get("kind", "document"))
    if kind == "fiche":
        status = FICHE
    else:
        status = COMPLETE if meta.get("complete", True) else PARTIAL
    urls = meta.get("sources") or []
    url = str(meta.get("source_url") or (urls[0] if urls else ""))
    actors = tuple(a for a in meta.get("actors") or () if a in ACTORS)
    about = tuple(str(a) for a in meta.get("about") or ())
    decision = None
    if isinstance(meta.get("decision"), dict):
        d = meta["decision"]
        decision = Decision(
            authority=str(d.get("authority", "")), reference=str(d.get("reference", "")), date=str(d.get("date", "")),
            sanctioned=str(d.get("sanctioned", "")), sanctioned_actor=str(d.get("sanctioned_actor", "")),
            amount_eur=None if d.get("amount_eur") is None else int(d["amount_eur"]),
            breaches=tuple(d.get("breaches") or ()), held=str(d.get("held", "")), doc_id=str(meta["id"]), url=url,
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


# -- the seal: official texts are copied byte for byte, and `official.sha256` says which bytes ----------------------

@dataclass
class SealChanges:
    """How `official/` differs from `official.sha256` (file names relative to `official/`)."""

    modified: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.modified or self.added or self.removed)


def read_checksums(corpus_dir: Path) -> dict[str, str] | None:
    """The sealed digests by file name, or None for a corpus that is not sealed (no `official.sha256`)."""
    path = corpus_dir / CHECKSUMS
    if not path.exists():
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(path, "illisible" + (f" ({_os_reason(exc)})" if isinstance(exc, OSError) else "")) from exc
    sums = {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        m = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line.strip())
        if m is None:
            raise CorpusError(path, f"ligne {n} illisible (format de sha256sum attendu : « <empreinte>  <fichier> »)")
        sums[m[2]] = m[1].lower()
    return sums


def _official_digests(corpus_dir: Path) -> dict[str, str]:
    folder = corpus_dir / OFFICIAL
    if not folder.is_dir():
        return {}
    digests = {}
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        try:
            digests[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as exc:
            digests[path.name] = f"illisible ({_os_reason(exc)})"
    return digests


def seal_changes(corpus_dir: Path) -> SealChanges:
    """What `kb seal` would record: official files edited, added or gone since the last seal."""
    sealed = read_checksums(corpus_dir) or {}
    now = _official_digests(corpus_dir)
    return SealChanges(modified=sorted(n for n in now if n in sealed and now[n] != sealed[n]),
                       added=sorted(n for n in now if n not in sealed),
                       removed=sorted(n for n in sealed if n not in now))


def verify_seal(corpus_dir: Path) -> list[CorpusError]:
    """One problem per official file that is not exactly what `official.sha256` sealed; none for a corpus
    without `official.sha256` (a user's own corpus is not sealed)."""
    if read_checksums(corpus_dir) is None:
        return []
    changes = seal_changes(corpus_dir)
    folder = corpus_dir / OFFICIAL
    digests = _official_digests(corpus_dir)
    fix = "restaurer le texte officiel ou, si le changement est voulu, lancer « kb seal »"
    return ([CorpusError(folder / n, f"texte officiel {digests[n]}" if digests[n].startswith("illisible") else
                         f"texte officiel modifié (empreinte différente de {CHECKSUMS}) : {fix}")
             for n in changes.modified]
            + [CorpusError(folder / n, f"texte officiel disparu (listé dans {CHECKSUMS}) : {fix}")
               for n in changes.removed]
            + [CorpusError(folder / n, f"texte officiel absent de {CHECKSUMS} (non scellé) : {fix}")
               for n in changes.added])


def seal(corpus_dir: Path) -> SealChanges:
    """Rewrite `official.sha256` from the files now in `official/` (sha256sum format, sorted); returns what changed."""
    changes = seal_changes(corpus_dir)
    digests = _official_digests(corpus_dir)
    unreadable = [n for n, d in digests.items() if d.startswith("illisible")]
    if unreadable:
        raise CorpusError(corpus_dir / OFFICIAL / unreadable[0], digests[unreadable[0]] + " : rien n'a été scellé")
    target = corpus_dir / CHECKSUMS
    tmp = target.with_name(f".{CHECKSUMS}.{os.getpid()}")
    try:
        tmp.write_text("".join(f"{d}  {n}\n" for n, d in sorted(digests.items())), encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CorpusError(target, f"écriture impossible ({_os_reason(exc)})") from exc
    return changes


# -- bulk documents (`*.jsonl`, read by kb/jsonl.py) ---------------------------------------------------------


def document_of(path: Path, line: int, record: dict) -> Document:
    """A Document from one `*.jsonl` record: same keys, checks and defaults as a Markdown front matter (one set of
    rules for both formats), body in `text`."""
    where = f"{path}:{line}"
    for key in ("id", "title"):
        if record.get(key) in (None, ""):
            raise CorpusError(where, f"champ « {key} » manquant")
    if not isinstance(record.get("text"), str):
        raise CorpusError(where, "champ « text » manquant (le texte du document, une chaîne)")
    meta = {k: v for k, v in record.items() if k != "text"}
    try:
        return _document(path, meta, record["text"])
    except CorpusError as exc:
        raise CorpusError(where, exc.reason) from exc


def load_jsonl(path: Path) -> tuple[list[Document], list[CorpusError]]:
    """The file's documents, and its bad lines (each with its line number). Duplicate ids are the caller's
    business, as for any other corpus file."""
    documents: list[Document] = []
    problems: list[CorpusError] = []
    for line, record in read_jsonl(path):
        try:
            if isinstance(record, CorpusError):
                raise record
            documents.append(document_of(path, line, record))
        except CorpusError as exc:
            problems.append(exc)
    return documents, problems
