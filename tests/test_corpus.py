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


# -- a corpus that must not be trusted blindly: duplicate ids, bad front matter, edited official texts --------------

import os
import shutil

from kb.corpus import seal, seal_changes, verify_seal


def _small_corpus(dest: Path, files=("official/rgpd-art-33.md", "official/cp-226-13.md", "fiches/fiche-csp-R1111-9.md"),
                  sums: bool = True) -> Path:
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, dest / rel)
    if sums:
        lines = [line for line in (CORPUS / "official.sha256").read_text(encoding="utf-8").splitlines()
                 if f"official/{line.split()[-1]}" in files]
        (dest / "official.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def _fiche(path: Path, header: str, body: str = "## En bref\n\n- Un fait. [rgpd-art-33]\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{header.strip()}\n---\n\n{body}", encoding="utf-8")


def test_a_fiche_with_an_official_id_never_shadows_the_official_text(tmp_path):
    """fiches/ sorts before official/: the fiche used to win and be cited as the official article, « complet »."""
    corpus = _small_corpus(tmp_path)
    _fiche(corpus / "fiches" / "aaa-usurpateur.md", "id: rgpd-art-33\ntitle: Faux article 33\nkind: fiche")
    _fiche(corpus / "a-user" / "copie.md", "id: rgpd-art-33\ntitle: Copie\n", "Le délai est de 30 jours.\n")

    loaded = load_corpus(corpus)

    doc = loaded.by_id()["rgpd-art-33"]
    assert doc.path == corpus / "official" / "rgpd-art-33.md" and doc.kind == "eu_regulation_article"
    refused = {Path(p.path).name: p.reason for p in loaded.problems}
    assert set(refused) == {"aaa-usurpateur.md", "copie.md"}
    for reason in refused.values():
        assert "rgpd-art-33" in reason and "official/rgpd-art-33.md" in reason  # both files named


def test_two_user_files_with_one_id_name_both_files(tmp_path):
    corpus = _small_corpus(tmp_path)
    _fiche(corpus / "notes" / "a.md", "id: mes-notes\ntitle: A\nkind: fiche")
    _fiche(corpus / "notes" / "b.md", "id: mes-notes\ntitle: B\nkind: fiche")
    loaded = load_corpus(corpus)
    assert loaded.by_id()["mes-notes"].title == "A"
    [problem] = loaded.problems
    assert Path(problem.path).name == "b.md" and "notes/a.md" in problem.reason and "mes-notes" in problem.reason


BAD_HEADERS = {  # file → (front matter, words its reason must hold)
    "about-nombre.md": ("id: x1\ntitle: X\nkind: fiche\nabout: 5", "« about »"),
    "about-texte.md": ("id: x2\ntitle: X\nkind: fiche\nabout: rgpd-art-33", "« about »"),
    "breaches.md": ("id: x3\ntitle: X\nkind: fiche\ndecision:\n  reference: SAN-1\n  breaches: 32", "« decision.breaches »"),
    "montant.md": ("id: x4\ntitle: X\nkind: fiche\ndecision:\n  reference: SAN-2\n  amount_eur: 1,5 M€",
                   "« decision.amount_eur »"),
    "decision-texte.md": ("id: x5\ntitle: X\nkind: fiche\ndecision: SAN-3", "« decision »"),
    "actors.md": ("id: x6\ntitle: X\nkind: fiche\nactors: medecin", "« actors »"),
    "complete.md": ("id: x7\ntitle: X\ncomplete: peut-être", "« complete »"),
    "id-diese.md": ("id: 'a#b'\ntitle: X\nkind: fiche", "« id »"),
    "titre-liste.md": ("id: x8\ntitle: [a, b]\nkind: fiche", "« title »"),
}


def test_bad_front_matter_is_refused_naming_the_file_and_the_field(tmp_path):
    corpus = _small_corpus(tmp_path)
    for name, (header, _) in BAD_HEADERS.items():
        _fiche(corpus / "user" / name, header)
    _fiche(corpus / "user" / "bon.md", "id: bon\ntitle: Bon\nkind: fiche\nabout: [rgpd-art-33]\n"
           "decision:\n  reference: SAN-4\n  amount_eur: 3000\n  breaches: [rgpd-art-32]")

    loaded = load_corpus(corpus)

    refused = {Path(p.path).name: p.reason for p in loaded.problems}
    assert set(refused) == set(BAD_HEADERS)
    for name, (_, words) in BAD_HEADERS.items():
        assert words in refused[name], (name, refused[name])
    good = loaded.by_id()["bon"]
    assert good.decision.amount_eur == 3000 and good.decision.breaches == ("rgpd-art-32",)
    assert {"rgpd-art-33", "cp-226-13", "fiche-csp-R1111-9", "bon"} == set(loaded.by_id())


def test_a_file_saved_with_a_bom_loads(tmp_path):
    corpus = _small_corpus(tmp_path)
    path = corpus / "user" / "bom.md"
    path.parent.mkdir()
    path.write_bytes("\ufeff---\nid: avec-bom\ntitle: Avec BOM\n---\n\nDu texte.\n".encode("utf-8"))
    loaded = load_corpus(corpus)
    assert loaded.problems == []
    assert loaded.by_id()["avec-bom"].title == "Avec BOM"


def test_a_symlink_loop_is_reported_not_skipped_silently(tmp_path):
    corpus = _small_corpus(tmp_path)
    os.symlink("boucle.md", corpus / "boucle.md")
    (corpus / "dossier").mkdir()
    os.symlink("..", corpus / "dossier" / "parent")  # a directory loop must not be walked forever either
    loaded = load_corpus(corpus)
    reasons = {Path(p.path).name: p.reason for p in loaded.problems}
    assert "boucle.md" in reasons and "lien symbolique" in reasons["boucle.md"]
    assert {"rgpd-art-33", "cp-226-13", "fiche-csp-R1111-9"} == set(loaded.by_id())


def test_a_manifest_entry_without_title_is_reported_and_the_others_kept(tmp_path):
    corpus = _small_corpus(tmp_path)
    (corpus / "sources.toml").write_text(
        '[documents."rgpd-art-33"]\nkind = "eu_regulation_article"\nurl = "https://x"\nstatus = "complete"\n'
        'files = ["official/rgpd-art-33.md"]\n\n'
        '[documents."cp-226-13"]\ntitle = "CP 226-13"\nkind = "code_article"\nurl = "https://y"\nstatus = "complete"\n'
        'files = ["official/cp-226-13.md"]\n', encoding="utf-8")
    loaded = load_corpus(corpus)
    assert set(loaded.manifest) == {"cp-226-13"}
    [problem] = loaded.problems
    assert "rgpd-art-33" in problem.reason and "« title »" in problem.reason
    assert set(load_manifest(corpus)) == {"cp-226-13"}  # readers of the manifest do not crash either


def test_a_file_the_manifest_lists_that_disappeared_is_reported(tmp_path):
    corpus = _small_corpus(tmp_path)
    shutil.copyfile(CORPUS / "sources.toml", corpus / "sources.toml")
    loaded = load_corpus(corpus)
    missing = [p for p in loaded.problems if "official/rgpd-art-34.md" in p.reason]
    assert len(missing) == 1 and "sources.toml" in str(missing[0].path)


def test_an_edited_official_text_breaks_the_seal_naming_the_file(tmp_path):
    corpus = _small_corpus(tmp_path)
    assert verify_seal(corpus) == []
    path = corpus / "official" / "rgpd-art-33.md"
    path.write_text(path.read_text(encoding="utf-8").replace("72 heures", "30 jours"), encoding="utf-8")
    (corpus / "official" / "cp-226-13.md").unlink()
    shutil.copyfile(CORPUS / "official" / "cp-226-16.md", corpus / "official" / "cp-226-16.md")

    problems = verify_seal(corpus)

    text = "\n".join(str(p) for p in problems)
    assert "official/rgpd-art-33.md" in text and "modifié" in text
    assert "official/cp-226-13.md" in text and "disparu" in text
    assert "official/cp-226-16.md" in text and "absent de official.sha256" in text
    assert "kb seal" in text

    changes = seal_changes(corpus)
    assert (changes.modified, changes.added, changes.removed) == (["rgpd-art-33.md"], ["cp-226-16.md"], ["cp-226-13.md"])
    assert seal(corpus) == changes
    assert verify_seal(corpus) == [] and seal_changes(corpus).empty
    assert sorted(line.split()[1] for line in (corpus / "official.sha256").read_text().splitlines()) == \
        ["cp-226-16.md", "rgpd-art-33.md"]


def test_a_corpus_without_official_sha256_is_not_sealed(tmp_path):
    corpus = _small_corpus(tmp_path, sums=False)
    path = corpus / "official" / "rgpd-art-33.md"
    path.write_text(path.read_text(encoding="utf-8").replace("72 heures", "30 jours"), encoding="utf-8")
    assert verify_seal(corpus) == []


def test_gap_markers_and_comments_are_one_rule_for_every_module():
    from kb.corpus import has_marker, legal_text

    assert has_marker("avant [LACUNE: alinéa non vu] après") and has_marker("texte <!-- note")
    assert not has_marker("texte de loi ordinaire [1]")
    assert legal_text("a [LACUNE: x] b <!-- note --> c") == "a  b  c"
