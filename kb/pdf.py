"""PDF text through pypdf, repaired where extraction breaks French text: ligatures, hyphenation at
line ends, hard-wrapped lines, odd spaces."""

from __future__ import annotations

import logging
import re
import unicodedata
from contextlib import contextmanager
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from kb.errors import CorpusError

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009]+")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(?=[a-zàâäéèêëîïôöùûüç])")
# A line-end hyphen that belongs to the word (sous-traitant, celle-ci, lui-même) is kept, not removed.
_COMPOUND_BREAK = re.compile(r"(\bsous(?=-\ntrait)|\b(?:vice|demi|semi)|"
                             r"\w(?=-\n(?:mêmes?|ci|là|dessus|dessous|delà|après|jointe?s?)\b))-\n", re.I)
_SOFT_HYPHEN = "\u00ad"


def repair(text: str) -> str:
    """Clean one page of extracted text, keeping paragraph breaks (blank lines)."""
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    text = unicodedata.normalize("NFC", text.replace(_SOFT_HYPHEN + "\n", "").replace(_SOFT_HYPHEN, ""))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _COMPOUND_BREAK.sub(r"\1-", text)  # « sous-\ntraitant » → « sous-traitant »
    text = _HYPHEN_BREAK.sub(r"\1", text)  # « confiden-\ntialité » → « confidentialité »
    paragraphs = re.split(r"\n{2,}", text)
    joined = [re.sub(r"\n(?!\n)", " ", p).strip() for p in paragraphs]
    return "\n\n".join(p for p in joined if p)


@contextmanager
def _quiet_pypdf():
    """pypdf logs its own warnings (« EOF marker not found »…) to stderr; the CorpusError already says it."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def extract_pages(path: Path) -> list[str]:
    """Repaired text of each page; a clear CorpusError for unreadable or encrypted files."""
    with _quiet_pypdf():
        return _extract_pages(path)


def _extract_pages(path: Path) -> list[str]:
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise CorpusError(path, "PDF chiffré (protégé par mot de passe) : le déchiffrer avant de l'ajouter")
        pages = [repair(page.extract_text() or "") for page in reader.pages]
    except CorpusError:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise CorpusError(path, f"PDF illisible ({exc.__class__.__name__}: {exc})") from exc
    if not any(pages):
        raise CorpusError(path, "PDF sans texte extractible (document scanné ? un OCR est nécessaire)")
    return pages
