"""Compliance dossier export: every cited passage comes back verbatim from the PDF, the .docx and the
Markdown (read with pypdf and python-docx), accents and French quotes survive, refusals show as « hors
champ », bad input fails with a French message and never leaves a partial file, and `kb export` works
from a question list or from `kb ask --json` output."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document as WordDocument
from PIL import Image
from pypdf import PdfReader

import kb
from kb.errors import ExportError
from kb.export import (
    DEFAULT_TITLE, MATRIX_HEADINGS, DossierMeta, export_dossier, exporter_for, read_questions, write_dossier,
)
from kb.labels import DISCLAIMER
from kb.serialize import answer_from_dict, answer_to_dict
from kb.types import Answer, Citation, Decision, Document, Statement

QUESTIONS = [
    "Qui est responsable en cas de fuite de données : moi, l'éditeur ou l'hébergeur ?",
    "Mon éditeur de logiciel doit-il être certifié HDS ?",
    "Dans quel délai dois-je notifier une violation de données à la CNIL ?",
    "Quelle est la recette de la tarte tatin ?",
    "Quelles sanctions la CNIL a-t-elle prononcées contre des médecins libéraux ?",
]
# Accents, œ/Œ, French quotes, an em dash and a narrow no-break space: all must survive every format.
ORGANISATION = "Maison de santé Saint-Côme — Œuvre « Cœur\u202fvaillant »"
AUTHOR = "Zoé Lefèvre, DPO"


def norm(text: str) -> str:
    """Compare modulo whitespace: line wrapping, paragraph breaks and no-break spaces are layout."""
    return " ".join(text.split())


def md_text(text: str) -> str:
    """Markdown as a reader sees it: backslash escapes and blockquote markers gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", re.sub(r"^>[ ]?", "", text, flags=re.M))


def pdf_text(path: Path, title: str = DEFAULT_TITLE) -> str:
    """Body text of every page, running header and « Page n / N » footer removed, so that a passage
    broken across two pages reads on."""
    lines = []
    for page in PdfReader(path).pages:
        for line in page.extract_text().splitlines():
            if line.startswith(title) or re.fullmatch(r"Page \d+ / \d+", line.strip()):
                continue
            lines.append(line)
    return "\n".join(lines)


def docx_text(path: Path) -> str:
    doc = WordDocument(path)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def quotes(answers: list[Answer]) -> list[str]:
    return [c.quote for a in answers for c in a.citations]


def tiny_answer(question: str = "Mon éditeur doit-il être certifié HDS ?") -> Answer:
    """A hand-made answer for the tests that need no index."""
    c = Citation(1, "csp-L1111-8#2", "csp-L1111-8", "Code de la santé publique, article L1111-8",
                 "CSP, art. L1111-8, II",
                 "L’hébergeur est titulaire d’un certificat de conformité ; « coût » : 45\u00a0000\u202f€.",
                 "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000049577902", "2024-05-23", "partial",
                 "official", 0, 80)
    return Answer(question=question, refused=False, brief=[Statement(c.quote, 1)], citations=[c])


# ------------------------------------------------------------------------------------ no index needed

def test_unknown_format_lists_the_choices():
    with pytest.raises(ExportError) as err:
        exporter_for("odt")
    assert str(err.value) == "Format inconnu 'odt'. Choisir parmi : md, docx, pdf"
    assert exporter_for(".PDF").fmt == "pdf"


def test_empty_answer_list_says_what_to_do(tmp_path):
    for fmt in ("md", "docx", "pdf"):
        with pytest.raises(ExportError, match="Aucune réponse à exporter"):
            export_dossier([], fmt)
    blank = tmp_path / "questions.txt"
    blank.write_text("\n# seulement des commentaires\n   \n", encoding="utf-8")
    with pytest.raises(ExportError, match="Aucune réponse à exporter.*une question par ligne"):
        read_questions(blank)


def test_question_file_skips_blank_lines_and_comments(tmp_path):
    f = tmp_path / "q.txt"
    f.write_text("# dossier 2026\n\nPremière question ?\n  # pas une question\nSeconde question ?\n", encoding="utf-8")
    assert read_questions(f) == ["Première question ?", "Seconde question ?"]


def test_missing_output_directory_is_a_clear_error_and_writes_nothing(tmp_path):
    target = tmp_path / "absent" / "dossier.pdf"
    with pytest.raises(ExportError, match="n'existe pas"):
        write_dossier([tiny_answer()], "pdf", target)
    assert not target.parent.exists()


def test_output_under_a_file_or_onto_a_directory_is_refused(tmp_path):
    a_file = tmp_path / "note.txt"
    a_file.write_text("x")
    with pytest.raises(ExportError, match="n'existe pas"):
        write_dossier([tiny_answer()], "md", a_file / "dossier.md")
    with pytest.raises(ExportError, match="est un dossier"):
        write_dossier([tiny_answer()], "md", tmp_path)


EXPORT_AS_CHILD = """
import json, sys
from kb.export import write_dossier
from kb.serialize import answer_from_dict
write_dossier([answer_from_dict(json.loads(sys.argv[1]))], "pdf", sys.argv[2])
"""
NO_OVERRIDE = "-dac_override,-dac_read_search"  # the capabilities that let root write into any directory


def test_read_only_directory_is_a_clear_error(tmp_path):
    """Root may write anywhere (CI runs as root): then the export runs in a child process without the
    capabilities that allow it (util-linux `setpriv`), as an ordinary user would."""
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o555)
    target = ro / "dossier.pdf"
    if os.geteuid() == 0:
        child = subprocess.run(["setpriv", f"--bounding-set={NO_OVERRIDE}", f"--inh-caps={NO_OVERRIDE}", "--",
                                sys.executable, "-c", EXPORT_AS_CHILD, json.dumps(answer_to_dict(tiny_answer())),
                                str(target)], capture_output=True, text=True, timeout=120)
        assert child.returncode != 0
        assert "ExportError" in child.stderr and "accessible en écriture" in child.stderr, child.stderr
    else:
        with pytest.raises(ExportError, match="accessible en écriture"):
            write_dossier([tiny_answer()], "pdf", target)
    assert list(ro.iterdir()) == []


def test_failed_export_keeps_the_previous_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "dossier.pdf"
    target.write_bytes(b"ancienne version")
    with pytest.raises(ExportError):
        write_dossier([], "pdf", target)
    with pytest.raises(ExportError):
        write_dossier([tiny_answer()], "odt", target)
    assert target.read_bytes() == b"ancienne version"
    assert [p.name for p in tmp_path.iterdir()] == ["dossier.pdf"]
    write_dossier([tiny_answer()], "pdf", target)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["dossier.pdf"]


def test_pdf_embeds_a_unicode_font_for_french_typography(tmp_path):
    path = write_dossier([tiny_answer()], "pdf", tmp_path / "d.pdf",
                         DossierMeta(organisation=ORGANISATION, author=AUTHOR))
    text = pdf_text(path)
    for s in ("L’hébergeur est titulaire d’un certificat", "« coût » : 45\u00a0000\u202f€",
              ORGANISATION, AUTHOR):
        assert s in text, s
    fonts = {f["/BaseFont"] for page in PdfReader(path).pages for f in page["/Resources"]["/Font"].values()}
    assert any("DejaVu" in str(f) for f in fonts)
    descriptor = next(f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                      for page in PdfReader(path).pages for f in page["/Resources"]["/Font"].values())
    assert "/FontFile2" in descriptor  # the TrueType program is in the file, not looked up on the reader's machine


def test_question_is_redacted_again_whatever_its_origin():
    raw = tiny_answer("Mme Dupont, née le 12/03/1975, joignable au 06 12 34 56 78 : son éditeur est-il certifié ?")
    for fmt in ("md", "docx", "pdf"):
        data = export_dossier([raw], fmt)
        assert data
    md = export_dossier([raw], "md").decode()
    assert "Dupont" not in md and "1975" not in md and "06 12" not in md
    assert "Mme \\[nom\\]" in md


HOSTILE_URLS = ["javascript:alert(1)", "file:///etc/passwd", "\\\\serveur\\partage\\contrat.pdf",
                'https://exemple.fr/"><script>alert(1)</script>', "https://exemple.fr/x> <img src=x onerror=alert(1)>"]
GOOD_URL = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000049577902"


def hostile_answer() -> Answer:
    """Citations and a decision whose addresses come from a hostile PDF sidecar or an edited JSON file."""
    base = tiny_answer()
    good = base.citations[0]
    cites = [dataclasses.replace(good, n=i, doc_id=f"doc-{i}", chunk_id=f"doc-{i}#1", url=url)
             for i, url in enumerate([GOOD_URL, *HOSTILE_URLS], start=1)]
    decisions = [Decision("CNIL", f"SAN-{i}", "2020-12-07", "un médecin", "medecin", 3000, ("art. 32",),
                          "données non protégées", "fiche", url) for i, url in enumerate(HOSTILE_URLS, start=1)]
    return dataclasses.replace(base, citations=cites, decisions=decisions)


def _links(fmt: str, data: bytes) -> list[str]:
    """Every link target a reader could click in the dossier."""
    if fmt == "md":
        text = data.decode()
        anchors_removed = re.sub(r'<a id="[a-z0-9-]+"></a>', "", text)
        return re.findall(r"<([^<>]*)>", anchors_removed) + re.findall(r"\]\(([^)]*)\)", text)
    if fmt == "docx":
        import io

        doc = WordDocument(io.BytesIO(data))
        return [r.target_ref for r in doc.part.rels.values() if r.is_external]
    import io

    reader = PdfReader(io.BytesIO(data))
    return [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots") or []
            if "/URI" in a.get_object().get("/A", {})]


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_hostile_source_addresses_never_become_links_in_any_format(fmt):
    data = export_dossier([hostile_answer()], fmt)
    links = _links(fmt, data)
    assert GOOD_URL in links  # a plain web address stays clickable
    assert all(re.fullmatch(r"https?://[^\s<>\"'\\]+", link) for link in links if not link.startswith("#")), links
    raw = data if fmt != "docx" else b"".join(_docx_parts(data))
    for bad in (b"javascript:", b"file:", b"<script", b"<img", b"\\\\serveur"):
        assert bad not in raw, bad
    assert "adresse non valide" in {"md": lambda: data.decode(), "docx": lambda: docx_text_of(data),
                                    "pdf": lambda: pdf_text_of(data)}[fmt]()


def _docx_parts(data: bytes) -> list[bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [z.read(name) for name in z.namelist() if name.endswith((".xml", ".rels"))]


def docx_text_of(data: bytes) -> str:
    import io

    doc = WordDocument(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def pdf_text_of(data: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
def test_control_characters_are_stripped_from_every_format(fmt):
    a = tiny_answer("Mon éditeur\x1b[2J doit-il\x00 être certifié\x07 ?")
    c = dataclasses.replace(a.citations[0], locator="CSP\x1b[31m, art. L1111-8", title="Code\x0c", version="v\x01")
    a = dataclasses.replace(a, citations=[c], notices=["attention\x1b]0;x\x07"], suggestions=["s\x08"])
    data = export_dossier([a], fmt)
    texts = {"md": lambda: data.decode(), "docx": lambda: b"".join(_docx_parts(data)).decode("utf-8"),
             "pdf": lambda: pdf_text_of(data)}
    assert not CONTROL.search(texts[fmt]()), fmt
    assert "certifié" in (data.decode() if fmt == "md" else texts[fmt]() if fmt == "pdf" else docx_text_of(data))


def test_format_that_contradicts_the_file_name_is_refused():
    from kb.export import resolve_format

    with pytest.raises(ExportError, match=r"--format docx.*x\.pdf"):
        resolve_format("docx", "x.pdf")
    assert resolve_format(None, "x.pdf") == "pdf"
    assert resolve_format("docx", "x.docx") == "docx"
    assert resolve_format("md", "notes.txt") == "md"  # an extension no format claims is the user's choice


def _document_for(answer: Answer):
    c = answer.citations[0]
    text = c.quote + " Suite du texte."
    return Document(c.doc_id, c.title, "code_article", text, Path("x.md"), c.url, c.version)


def test_imported_answers_are_checked_against_the_corpus_before_export():
    from kb.export import verify_answers

    base = tiny_answer()
    exact = dataclasses.replace(base.citations[0], end=len(base.citations[0].quote))
    good = dataclasses.replace(base, citations=[exact])
    documents = {good.citations[0].doc_id: _document_for(good)}
    verify_answers([good], documents)  # verbatim: accepted
    edited = dataclasses.replace(good.citations[0], quote=good.citations[0].quote.replace("titulaire", "dispensé"))
    with pytest.raises(ExportError, match=r"question 2.*citation \[1\]"):
        verify_answers([good, dataclasses.replace(good, citations=[edited])], documents)
    moved = dataclasses.replace(good.citations[0], start=3, end=83)
    with pytest.raises(ExportError, match=r"citation \[1\]"):
        verify_answers([dataclasses.replace(good, citations=[moved])], documents)
    unknown = dataclasses.replace(good.citations[0], doc_id="absent")
    with pytest.raises(ExportError, match=r"citation \[1\]"):
        verify_answers([dataclasses.replace(good, citations=[unknown])], documents)
    sentence = dataclasses.replace(good, brief=[Statement("Le médecin est dispensé de tout.", 1)])
    with pytest.raises(ExportError, match=r"question 1"):
        verify_answers([sentence], documents)
    markup = dataclasses.replace(good.citations[0], n="1** <script>alert(1)</script>")
    with pytest.raises(ExportError, match=r"question 1"):
        verify_answers([dataclasses.replace(good, citations=[markup])], documents)
    with pytest.raises(ExportError, match=r"question 1.*type"):
        verify_answers([dataclasses.replace(good, brief=[Statement(["pas", "du texte"], 1)])], documents)


@pytest.mark.parametrize("marker", ["[LACUNE: alinéa non vu]", "<!-- note du projet -->"])
def test_an_imported_quote_holding_a_gap_or_a_comment_is_refused_though_verbatim(marker):
    from kb.export import verify_answers

    base = tiny_answer()
    doc = Document("csp-L1111-8", "CSP", "code_article", f"Premier alinéa. {marker} Second alinéa. Suite.",
                   Path("x.md"), base.citations[0].url, "v")

    def quoting(quote: str) -> Answer:
        c = dataclasses.replace(base.citations[0], quote=quote, start=0, end=len(quote))
        return dataclasses.replace(base, citations=[c], brief=[Statement("Premier alinéa.", 1)])

    verify_answers([quoting("Premier alinéa.")], {doc.doc_id: doc})  # the text before the marker: accepted
    with pytest.raises(ExportError, match=r"citation \[1\]"):
        verify_answers([quoting(f"Premier alinéa. {marker} Second alinéa.")], {doc.doc_id: doc})


# ------------------------------------------------------------------------------------ real answers

@pytest.fixture(scope="module")
def answers(engine) -> list[Answer]:
    found = [engine.answer(q) for q in QUESTIONS]
    assert sum(a.refused for a in found) == 1, [a.question for a in found if a.refused]
    assert all(a.citations for a in found if not a.refused)
    return found


@pytest.fixture(scope="module")
def meta(engine) -> DossierMeta:
    info = kb.index_info(engine)
    assert info.fingerprint and info.created_at and info.chunks > 0 and info.documents > 0
    return DossierMeta.from_index(info, organisation=ORGANISATION, author=AUTHOR)


@pytest.fixture(scope="module")
def dossiers(answers, meta, engine, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dossiers")
    return {fmt: write_dossier(answers, fmt, out / f"dossier.{fmt}", meta, engine.store.documents)
            for fmt in ("md", "docx", "pdf")}


@pytest.mark.slow
def test_pdf_holds_every_cited_passage_verbatim(dossiers, answers, meta, engine):
    text = pdf_text(dossiers["pdf"])
    flat = norm(text)
    for q in quotes(answers):
        assert norm(q) in flat, q[:80]
    assert len(re.findall(r"^Source : http", text, re.M)) == len(quotes(answers))
    for s in (ORGANISATION, AUTHOR, meta.corpus_fingerprint, DISCLAIMER, "Réponse", "Qui fait quoi ?",
              "Annexe : documents cités", "Hors champ"):
        assert norm(s) in flat, s
    refused = next(a for a in answers if a.refused)
    assert norm(refused.refusal_reason) in flat
    licences = {d.license for d in engine.store.documents.values() if d.license}
    assert any(lic in text for lic in licences)  # the annex names the licence of official texts


@pytest.mark.slow
def test_pdf_has_page_numbers_a_running_header_and_bookmarks(dossiers):
    reader = PdfReader(dossiers["pdf"])
    n = len(reader.pages)
    assert f"Page 2 / {n}" in reader.pages[1].extract_text()
    assert reader.pages[2].extract_text().startswith(DEFAULT_TITLE)
    assert [o.title for o in reader.outline][:len(QUESTIONS)] == [f"{i}. {q}" for i, q in enumerate(QUESTIONS, 1)]
    toc = reader.pages[1].extract_text()
    assert "Sommaire" in toc and all(q in toc for q in QUESTIONS)


@pytest.mark.slow
def test_first_pdf_page_renders_visibly(dossiers, tmp_path):
    assert shutil.which("pdftoppm"), "pdftoppm absent : apt-get install -y poppler-utils (make test le fait)"
    png = tmp_path / "cover"
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", "-singlefile", str(dossiers["pdf"]),
                    str(png)], check=True, timeout=60)
    image = Image.open(png.with_suffix(".png")).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > 0.005 * image.width * image.height  # the title and cover facts are drawn, not a blank page


@pytest.mark.slow
def test_docx_has_headings_a_real_liability_table_and_every_passage(dossiers, answers):
    doc = WordDocument(dossiers["docx"])
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    parts = ["Annexe : documents cités", "Avertissement"]
    assert headings == [f"{i}. {q}" for i, q in enumerate(QUESTIONS, 1)] + parts
    answered = [a for a in answers if a.actors]
    assert len(doc.tables) == len(answered)
    for table, a in zip(doc.tables, answered):
        assert tuple(c.text for c in table.rows[0].cells) == MATRIX_HEADINGS
        assert [r.cells[0].text for r in table.rows[1:]] == [row.label for row in a.actors]
    text = docx_text(dossiers["docx"])
    flat = norm(text)
    for q in quotes(answers):
        assert norm(q) in flat, q[:80]
    assert sum(p.text.startswith("Source : http") for p in doc.paragraphs) == len(quotes(answers))
    numbered = [p.text for p in doc.paragraphs if re.match(r"\[\d+\] ", p.text)]
    assert len(numbered) == len(quotes(answers))
    for s in (ORGANISATION, AUTHOR, DISCLAIMER, "Hors champ"):
        assert norm(s) in flat, s


@pytest.mark.slow
def test_markdown_holds_every_passage_and_the_disclaimer(dossiers, answers):
    md = dossiers["md"].read_text(encoding="utf-8")
    flat = norm(md_text(md))
    for q in quotes(answers):
        assert norm(q) in flat, q[:80]
    assert len(re.findall(r"^Source : <http", md, re.M)) == len(quotes(answers))
    assert norm(DISCLAIMER) in flat and norm(ORGANISATION) in flat
    assert md.count('<a id="question-') == len(QUESTIONS)


@pytest.mark.slow
def test_json_round_trip_loses_nothing_the_dossier_shows(answers, meta):
    reloaded = [answer_from_dict(json.loads(json.dumps(answer_to_dict(a)))) for a in answers]
    assert export_dossier(reloaded, "md", meta) == export_dossier(answers, "md", meta)


@pytest.mark.slow
def test_a_200_question_dossier_completes(answers, meta, tmp_path):
    refused = next(a for a in answers if a.refused)
    shortest = min((a for a in answers if not a.refused), key=lambda a: len(a.citations))
    many = [dataclasses.replace(a, question=f"{a.question} (variante {i})")
            for i, a in enumerate([shortest, refused] * 100, start=1)]
    path = write_dossier(many, "pdf", tmp_path / "gros.pdf", meta)
    reader = PdfReader(path)
    assert len(reader.pages) > 200
    last = reader.outline[199]
    assert last.title.startswith("200. ")
    page = reader.get_destination_page_number(last)
    assert "200. " in reader.pages[page].extract_text()
    first = reader.get_destination_page_number(reader.outline[0])
    assert first > 3  # the table of contents spans several pages...
    toc = "".join(reader.pages[i].extract_text() for i in range(1, first))
    assert "200. " in toc and f"{page + 1}200. " in toc.replace("\n", "")  # ...and gives the right page numbers
    assert export_dossier(many, "md", meta).decode().count('<a id="question-') == 200


# ------------------------------------------------------------------------------------ CLI

@pytest.fixture
def question_file(tmp_path) -> Path:
    f = tmp_path / "questions.txt"
    f.write_text("# dossier DPO\n\n" + "\n".join(QUESTIONS) + "\n", encoding="utf-8")
    return f


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["pdf", "docx", "md"])
def test_cli_exports_five_questions(cli, question_file, answers, tmp_path, fmt):
    out = tmp_path / f"dossier.{fmt}"
    result = cli("export", "--questions", question_file, "--format", fmt, "-o", out,
                 "--organisation", ORGANISATION, "--author", AUTHOR)
    assert result.exit_code == 0, result.output
    assert "Dossier écrit" in result.output and "5 questions" in result.output
    text = {"pdf": pdf_text, "docx": docx_text, "md": lambda p: md_text(p.read_text(encoding="utf-8"))}[fmt](out)
    flat = norm(text)
    for q in quotes(answers):
        assert norm(q) in flat, q[:80]
    assert norm(ORGANISATION) in flat


@pytest.mark.slow
def test_cli_from_json_round_trip(cli, tmp_path):
    asked = []
    for q in QUESTIONS[:2]:
        result = cli("ask", q, "--json")
        assert result.exit_code == 0, result.output
        asked.append(json.loads(result.stdout))
    single, several = tmp_path / "one.json", tmp_path / "list.json"
    single.write_text(json.dumps(asked[0], ensure_ascii=False), encoding="utf-8")
    several.write_text(json.dumps(asked, ensure_ascii=False), encoding="utf-8")
    for source, expected in ((single, asked[:1]), (several, asked)):
        out = tmp_path / f"{source.stem}.pdf"
        result = cli("export", "--from-json", source, "-o", out)  # format from the extension
        assert result.exit_code == 0, result.output
        flat = norm(pdf_text(out))
        for a in expected:
            for c in a["citations"]:
                assert norm(c["quote"]) in flat, c["quote"][:80]


@pytest.mark.slow
def test_cli_errors_are_one_french_line(cli, question_file, tmp_path):
    bad_format = cli("export", "--questions", question_file, "--format", "odt", "-o", tmp_path / "d.odt")
    assert bad_format.exit_code == 1
    assert "Format inconnu 'odt'. Choisir parmi : md, docx, pdf" in bad_format.output
    empty = tmp_path / "vide.txt"
    empty.write_text("\n# rien\n", encoding="utf-8")
    no_question = cli("export", "--questions", empty, "-o", tmp_path / "d.pdf")
    assert no_question.exit_code == 1 and "Aucune réponse à exporter" in no_question.output
    nowhere = tmp_path / "absent" / "d.pdf"
    unwritable = cli("export", "--questions", question_file, "-o", nowhere)
    assert unwritable.exit_code == 1 and "n'existe pas" in unwritable.output
    assert not nowhere.parent.exists()
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{pas du json", encoding="utf-8")
    broken = cli("export", "--from-json", bad_json, "-o", tmp_path / "d.md")
    assert broken.exit_code == 1 and "JSON valide" in broken.output
    assert not (tmp_path / "d.pdf").exists() and not (tmp_path / "d.md").exists()


@pytest.mark.slow
def test_cli_from_json_refuses_an_edited_quote_and_writes_nothing(cli, tmp_path):
    result = cli("ask", QUESTIONS[1], "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    first = answer["citations"][0]
    first["quote"] = first["quote"][:-1] + " (sauf pour les médecins)" + first["quote"][-1]
    edited = tmp_path / "modifie.json"
    edited.write_text(json.dumps([answer], ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "dossier.md"
    refused = cli("export", "--from-json", edited, "-o", out)
    assert refused.exit_code == 1
    line = refused.output.strip()
    assert line.startswith("Erreur : ") and "\n" not in line
    assert "question 1" in line and f"citation [{first['n']}]" in line and "kb ask --json" in line
    assert not out.exists()


@pytest.mark.slow
def test_cli_from_json_never_prints_a_hostile_source_address(cli, tmp_path):
    result = cli("ask", QUESTIONS[1], "--json")
    answer = json.loads(result.stdout)
    answer["citations"][0]["url"] = 'https://exemple.fr/"><script>alert(1)</script>'
    answer["citations"][-1]["url"] = "javascript:alert(1)"
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    for fmt in ("md", "docx", "pdf"):
        out = tmp_path / f"dossier.{fmt}"
        exported = cli("export", "--from-json", hostile, "-o", out)
        assert exported.exit_code == 0, exported.output
        data = out.read_bytes() if fmt != "docx" else b"".join(_docx_parts(out.read_bytes()))
        assert b"<script" not in data and b"javascript:" not in data, fmt


@pytest.mark.slow
def test_cli_refuses_a_format_that_contradicts_the_output_name(cli, question_file, tmp_path):
    out = tmp_path / "x.pdf"
    result = cli("export", "--questions", question_file, "--format", "docx", "-o", out)
    assert result.exit_code == 1
    assert "--format docx" in result.output and "x.pdf" in result.output
    assert not out.exists()
