"""The shipped corpus is what the project says it is: official texts untouched (checksums, identical to the
shared copy), a manifest that covers every id, fiches in the house format, and a loader that finds no fault."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import frontmatter
import pytest

from kb.config import ROOT
from kb.corpus import load_corpus, load_manifest
from kb.legalrefs import DOC_ID_PATTERN

CORPUS = ROOT / "corpus"
OFFICIAL = CORPUS / "official"
FICHES = sorted((CORPUS / "fiches").glob("*.md"))
SHARED_OFFICIAL = ROOT.parent / "shared" / "corpus" / "official"
MANIFEST = load_manifest(CORPUS)

FICHE_KEYS = ("id", "title", "kind", "about", "actors", "legal_status", "sources", "updated")
DISCLAIMER = "> Synthèse non officielle"
# Document ids as fiches write them inside their source brackets: [csp-L1111-8 § II ; source: https://…]
DOC_ID = re.compile(rf"(?<![\w/.-])({DOC_ID_PATTERN})(?![\w-])")
BRACKET_AT_END = re.compile(r"\[[^\[\]]+\]$")


def _checksums() -> dict[str, str]:
    lines = (CORPUS / "official.sha256").read_text(encoding="utf-8").splitlines()
    return {name.strip(): digest for digest, name in (line.split(None, 1) for line in lines if line.strip())}


def _bullets(path: Path) -> list[str]:
    return [line for line in frontmatter.load(path).content.splitlines() if line.startswith("- ")]


def test_every_official_file_matches_its_checksum():
    sums = _checksums()
    files = sorted(p.name for p in OFFICIAL.glob("*.md"))
    assert files == sorted(sums), "official/ and official.sha256 list different files"
    for name in files:
        assert hashlib.sha256((OFFICIAL / name).read_bytes()).hexdigest() == sums[name], f"{name} was edited"


@pytest.mark.skipif(not SHARED_OFFICIAL.is_dir(), reason="no shared corpus next to the repository")
def test_official_files_are_byte_identical_to_the_shared_corpus():
    ours = sorted(p.name for p in OFFICIAL.glob("*.md"))
    assert ours == sorted(p.name for p in SHARED_OFFICIAL.glob("*.md"))
    for name in ours:
        assert (OFFICIAL / name).read_bytes() == (SHARED_OFFICIAL / name).read_bytes(), name


def test_manifest_statuses_are_known_and_its_files_exist():
    assert MANIFEST, "corpus/sources.toml is empty or missing"
    for doc_id, entry in MANIFEST.items():
        assert entry.status in ("complete", "partial", "facts-only"), doc_id
        assert entry.files, f"{doc_id} lists no file"
        for f in entry.files:
            assert (CORPUS / f).is_file(), f"{doc_id}: {f} missing"


def test_every_official_text_is_in_the_manifest_with_its_completeness():
    for path in OFFICIAL.glob("*.md"):
        meta = frontmatter.load(path).metadata
        entry = MANIFEST[meta["id"]]
        assert entry.status == ("complete" if meta["complete"] else "partial"), meta["id"]


def test_every_facts_only_document_has_a_fiche_about_it():
    about = {a for path in FICHES for a in frontmatter.load(path).metadata["about"]}
    missing = [doc_id for doc_id, e in MANIFEST.items() if e.status == "facts-only" and doc_id not in about]
    assert not missing


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_fiche_has_the_required_front_matter(path):
    meta = frontmatter.load(path).metadata
    missing = [k for k in FICHE_KEYS if meta.get(k) in (None, "", [])]
    assert not missing, f"{path.name}: missing {missing}"
    assert meta["kind"] == "fiche"
    assert set(meta["actors"]) <= {"medecin", "editeur", "hebergeur"}


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_fiche_opens_with_the_unofficial_summary_disclaimer(path):
    first = next(line for line in frontmatter.load(path).content.splitlines() if line.strip())
    assert first.startswith(DISCLAIMER), f"{path.name}: first line is {first[:60]!r}"


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_fiche_sections_start_with_en_bref(path):
    sections = re.findall(r"^## (.+)$", frontmatter.load(path).content, re.M)
    assert sections and sections[0].strip() == "En bref", f"{path.name}: sections {sections[:2]}"


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_every_fiche_bullet_ends_with_exactly_one_source_bracket(path):
    bullets = _bullets(path)
    assert bullets
    for line in bullets:
        assert BRACKET_AT_END.search(line.rstrip()), f"{path.name}: no source bracket: {line[:80]!r}"
        assert not re.search(r"\]\s*\[[^\[\]]*\]$", line.rstrip()), f"{path.name}: two brackets: {line[-80:]!r}"


@pytest.mark.parametrize("path", FICHES, ids=lambda p: p.stem)
def test_every_doc_id_a_fiche_cites_is_in_the_manifest(path):
    cited = {m for line in _bullets(path) for m in DOC_ID.findall(BRACKET_AT_END.search(line.rstrip())[0])}
    unknown = cited - set(MANIFEST)
    assert not unknown, f"{path.name} cites {sorted(unknown)}"


def test_fiche_about_ids_are_in_the_manifest_or_shipped():
    ids = set(MANIFEST)
    for path in FICHES:
        about = frontmatter.load(path).metadata["about"]
        assert set(about) <= ids, f"{path.name}: {sorted(set(about) - ids)}"


def test_shipped_corpus_loads_without_a_single_problem():
    corpus = load_corpus(CORPUS)
    assert corpus.problems == []
    ids = [d.doc_id for d in corpus.documents]
    assert len(ids) == len(set(ids)) == len(list(OFFICIAL.glob("*.md"))) + len(FICHES)


def test_reused_number_L1110_4_1_keeps_the_2023_article_and_the_repealed_one_apart():
    """L1110-4-1 now holds the 2023 article (permanence des soins); the repealed data-security article keeps its
    fiche under its own id, marked abrogé."""
    fiche = next(d for d in load_corpus(CORPUS).documents if "csp-L1110-4-1-ancien" in d.about)
    assert fiche.legal_status == "abrogé"
    assert MANIFEST["csp-L1110-4-1-ancien"].legal_status == "abrogé"
    assert MANIFEST["csp-L1110-4-1"].legal_status == "en vigueur" and MANIFEST["csp-L1110-4-1"].status == "complete"


def test_new_official_texts_carry_their_verification_date_and_amendment_warning():
    for doc_id in ("csp-L1110-4", "csp-L1115-1", "csp-R1111-10", "csp-R1111-11"):
        assert MANIFEST[doc_id].status == "complete" and MANIFEST[doc_id].verified_on == "2023-12-06", doc_id
    docs = {d.doc_id: d for d in load_corpus(CORPUS).documents}
    for doc_id in ("csp-R1111-8-8", "csp-R1111-9", "csp-R1111-10", "csp-R1111-11"):
        assert docs[doc_id].possibly_amended_by == MANIFEST[doc_id].possibly_amended_by == "décret n° 2026-209 du 24 mars 2026"
    assert docs["csp-L1115-1"].verified_on == "2023-12-06" and not docs["csp-L1115-1"].possibly_amended_by
