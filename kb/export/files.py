"""The dossier's files: where it may be written (checked before any work), the atomic write that never
leaves a partial dossier, and the two inputs of `kb export` (a question list, `kb ask --json` output)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from kb.errors import ExportError
from kb.export.base import DossierMeta
from kb.export.formats import export_dossier
from kb.serialize import answer_from_dict
from kb.types import Answer, Document


def check_output_path(path: str | os.PathLike) -> Path:
    """Fail before any work when the dossier could not be written there."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} est un dossier : donner un nom de fichier, par exemple {path / 'dossier.pdf'}.")
    parent = path.parent
    if not parent.is_dir():
        raise ExportError(f"Le dossier de sortie {parent} n'existe pas : le créer ou choisir un autre chemin.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"Le dossier {parent} n'est pas accessible en écriture : choisir un autre chemin de sortie.")
    return path


def write_dossier(answers: Iterable[Answer], fmt: str, path: str | os.PathLike, meta: DossierMeta | None = None,
                  documents: Mapping[str, Document] | None = None) -> Path:
    """Write the dossier atomically: a temporary file beside the target, then a rename; never a partial file."""
    path = check_output_path(path)
    _write_atomic(path, export_dossier(answers, fmt, meta, documents))
    return path


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"Impossible d'écrire {path} ({exc.strerror or exc}) : "
                          "vérifier le chemin, les droits et l'espace disque.") from exc
    finally:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def read_questions(path: str | os.PathLike) -> list[str]:
    """Questions from a text file: one per line; blank lines and lines starting with # are skipped."""
    path = Path(path)
    try:
        text = _read_text(path, "Fichier de questions")
    except UnicodeDecodeError:
        raise ExportError(f"{path} n'est pas un texte UTF-8 : l'enregistrer en UTF-8.") from None
    questions = [line.strip() for line in text.splitlines()]
    questions = [q for q in questions if q and not q.startswith("#")]
    if not questions:
        raise ExportError(f"Aucune réponse à exporter : {path} ne contient aucune question "
                          "(une question par ligne ; les lignes vides et celles commençant par # sont ignorées).")
    return questions


def load_answers(path: str | os.PathLike) -> list[Answer]:
    """Answers saved by `kb ask --json`: one answer object, or a JSON list of them."""
    path = Path(path)
    try:
        data = json.loads(_read_text(path, "Fichier JSON"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError(f"{path} n'est pas un JSON valide ({exc}) : "
                          "utiliser la sortie de « kb ask --json ».") from None
    items = data if isinstance(data, list) else [data]
    try:
        answers = [answer_from_dict(item) for item in items]
    except (KeyError, TypeError, AttributeError) as exc:
        raise ExportError(f"{path} ne contient pas des réponses de « kb ask --json » (champ manquant ou invalide : "
                          f"{exc}).") from None
    if not answers:
        raise ExportError(f"Aucune réponse à exporter : {path} contient une liste vide.")
    return answers


def _read_text(path: Path, what: str) -> str:
    """An input file as text (a BOM from Windows editors is dropped); a missing or unreadable file is an
    ExportError. A decoding error is left to the caller, which knows what the file should have been."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExportError(f"{what} introuvable : {path}.") from None
    except OSError as exc:
        raise ExportError(f"Impossible de lire {path} ({exc.strerror or exc}).") from exc
