"""DILA open-data dumps as a text source, without credentials: LEGI articles and CNIL deliberations read from
a `.tar.gz` or an extracted folder (several archives in a folder: read in name order, later wins), with the
same methods as the API source. Ids in `liste_suppression_legi.dat` are dropped."""

from __future__ import annotations

import re
import tarfile
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Iterator

from kb.sync.errors import SyncError
from kb.sync.legifrance import same_number
from kb.sync.model import VIGUEUR, ArticleVersion, OfficialText, from_iso

_ID = re.compile(r"(LEGIARTI|CNILTEXT)\d{12}")


class DilaSource:
    def __init__(self, path: Path, code_ids: set[str]):
        if not path.exists():
            raise SyncError(f"Dump DILA introuvable : {path} (archive .tar.gz ou dossier extrait attendu).")
        self.path = path
        self.label = f"DILA open data ({path.name})"
        self._codes = code_ids
        self.articles: dict[str, tuple[str, OfficialText]] = {}  # id → (code id, text)
        self.cnil: dict[str, OfficialText] = {}
        self.deleted: set[str] = set()
        for name, data in _members(path, self._wanted):
            self._read(name, data)
        for text_id in self.deleted:
            self.articles.pop(text_id, None)
            self.cnil.pop(text_id, None)

    def close(self) -> None:
        pass

    def _wanted(self, name: str) -> bool:
        base = name.rsplit("/", 1)[-1]
        if base.startswith("liste_suppression") and base.endswith(".dat"):
            return True
        if base.startswith("CNILTEXT") and base.endswith(".xml"):
            return True
        return base.startswith("LEGIARTI") and base.endswith(".xml") and any(c in name for c in self._codes)

    def _read(self, name: str, data: bytes) -> None:
        base = name.rsplit("/", 1)[-1]
        if base.endswith(".dat"):
            self.deleted.update(m[0] for m in _ID.finditer(data.decode("utf-8", "replace")))
            return
        try:
            root = ET.fromstring(data)
        except ET.ParseError as exc:
            raise SyncError(f"XML illisible dans le dump DILA : {name} ({exc}).") from exc
        if root.tag == "ARTICLE":
            code_id, text = _article(root)
            self.articles[text.id] = (code_id, text)
        elif root.tag == "TEXTE_CNIL":
            text = _cnil(root)
            known = self.cnil.get(text.id)
            if known is None or (text.published or date.min) >= (known.published or date.min):
                self.cnil[text.id] = text

    def find_article(self, code_id: str, code_name: str, num: str, today: date) -> OfficialText | None:
        for code, text in self.articles.values():
            if code == code_id and same_number(text.num, num) and text.etat == VIGUEUR \
                    and (text.start is None or text.start <= today) and (text.no_end or today < text.end):
                return text
        return None

    def get_article(self, article_id: str) -> OfficialText | None:
        found = self.articles.get(article_id)
        if found:
            return found[1]
        for _, text in self.articles.values():  # a cid: the article whose versions include it
            if text.cid == article_id and text.etat == VIGUEUR:
                return text
        return None

    def get_cnil(self, text_id: str) -> OfficialText | None:
        return self.cnil.get(text_id)

    def search_cnil(self, number: str, nature: str) -> list[str]:
        return [t.id for t in self.cnil.values() if same_number(t.num, number)]

    def get_juri(self, text_id: str) -> OfficialText | None:
        return None  # Conseil d'État decisions are in the JADE/CETAT dumps, not read here


def _members(path: Path, wanted) -> Iterator[tuple[str, bytes]]:
    if path.is_file():
        yield from _tar(path, wanted)
        return
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path).as_posix()
        if file.name.endswith((".tar.gz", ".tgz", ".tar")):
            yield from _tar(file, wanted)
        elif wanted(rel):
            yield rel, file.read_bytes()


def _tar(path: Path, wanted) -> Iterator[tuple[str, bytes]]:
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                if member.isfile() and wanted(member.name):
                    fh = tar.extractfile(member)
                    if fh is not None:
                        yield member.name, fh.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise SyncError(f"Archive DILA illisible : {path} ({exc}).") from exc


def _html(el: ET.Element | None) -> str:
    """The inner XHTML of a CONTENU element, as a string for the one HTML converter."""
    if el is None:
        return ""
    return (el.text or "") + "".join(ET.tostring(child, encoding="unicode") for child in el)


def _t(root: ET.Element, path: str) -> str:
    return (root.findtext(path) or "").strip()


def _article(root: ET.Element) -> tuple[str, OfficialText]:
    versions = tuple(ArticleVersion(id=v.get("id", ""), etat=v.get("etat", ""), start=from_iso(v.get("debut")),
                                    end=from_iso(v.get("fin")), num=v.get("num", ""))
                     for v in root.iterfind("VERSIONS/VERSION/LIEN_ART"))
    text_id = _t(root, "META/META_COMMUN/ID")
    first = min(versions, key=lambda v: v.start or date.min).id if versions else text_id
    context = root.find("CONTEXTE/TEXTE")
    code_id = context.get("cid", "") if context is not None else ""
    spec = "META/META_SPEC/META_ARTICLE/"
    return code_id, OfficialText(kind="article", id=text_id, cid=first, num=_t(root, spec + "NUM"),
                                 etat=_t(root, spec + "ETAT"), start=from_iso(_t(root, spec + "DATE_DEBUT")),
                                 end=from_iso(_t(root, spec + "DATE_FIN")), html=_html(root.find("BLOC_TEXTUEL/CONTENU")),
                                 nota_html=_html(root.find("NOTA/CONTENU")), versions=versions)


def _cnil(root: ET.Element) -> OfficialText:
    text_id = _t(root, "META/META_COMMUN/ID")
    return OfficialText(kind="cnil", id=text_id, cid=text_id, num=_t(root, ".//NUMERO"),
                        etat=_t(root, ".//ETAT_JURIDIQUE"), start=from_iso(_t(root, ".//DATE_TEXTE")), end=None,
                        html=_html(root.find(".//BLOC_TEXTUEL/CONTENU")), title=_t(root, ".//TITREFULL"),
                        published=from_iso(_t(root, ".//DATE_PUBLI")))
