"""`kb ingest` on small corpora copied into a temporary directory: nothing to do costs nothing, a changed
file costs only its passages, bad files are named one line each while the rest is indexed, and a rebuild
killed with SIGKILL leaves the previous index answering and its debris cleaned by the next run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from kb.config import ROOT, Settings
from kb.errors import CorpusError
from kb.index.store import BUILDING, current_manifest, ingest

pytestmark = pytest.mark.slow  # every test here builds a real index

SHARED_CACHE = ROOT / ".kb" / "cache"  # the warm cache conftest.make_settings uses
KB = str(Path(sys.executable).parent / "kb")
SMALL = ["official/rgpd-art-33.md", "official/csp-R1111-9.md", "official/cp-226-13.md", "fiches/fiche-csp-R1111-9.md"]


def copy_corpus(dest: Path, files=SMALL) -> Path:
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / "corpus" / rel, dest / rel)
    return dest


def warm_cache(dest: Path) -> Path:
    """A private copy of the shared embedding cache: warm, and never polluted by the texts a test invents."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in SHARED_CACHE.glob("*.sqlite") if SHARED_CACHE.is_dir() else ():
        with closing(sqlite3.connect(f, timeout=30)) as src, closing(sqlite3.connect(dest / f.name)) as dst:
            src.backup(dst)  # a consistent copy even while another test session writes the cache
    return dest


@pytest.fixture
def env(tmp_path):
    """Data dir, cache and corpus of one test, as the CLI reads them (KB_*)."""
    corpus = copy_corpus(tmp_path / "corpus")
    paths = {"data": tmp_path / "data", "cache": warm_cache(tmp_path / "cache"), "corpus": corpus}
    return paths


def run_kb(paths: dict, *args: str, cache: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([KB, *args], env=kb_env(paths, cache), capture_output=True, text=True, timeout=600,
                          cwd=paths["data"].parent, **kwargs)


def kb_env(paths: dict, cache: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(paths["data"]), KB_CACHE=str(cache or paths["cache"]), KB_CORPUS_DIR=str(paths["corpus"]))
    return env


def settings_for(paths: dict) -> Settings:
    return Settings(data_dir=paths["data"], cache=paths["cache"], corpus_dir=paths["corpus"])


def builds(paths: dict) -> list[str]:
    return sorted(p.name for p in (paths["data"] / "index" / "builds").iterdir())


def test_second_ingest_with_no_change_does_nothing_and_takes_under_two_seconds(env):
    first = run_kb(env, "ingest")
    assert first.returncode == 0, first.stderr
    assert "Index construit : 4 documents" in first.stdout
    build = builds(env)
    cache_files = {f: f.stat().st_mtime_ns for f in env["cache"].iterdir()}

    started = time.perf_counter()
    second = run_kb(env, "ingest")
    elapsed = time.perf_counter() - started

    assert second.returncode == 0, second.stderr
    assert "rien à faire" in second.stdout
    assert elapsed < 2.0, f"kb ingest with nothing to do took {elapsed:.2f} s"
    assert builds(env) == build
    assert {f: f.stat().st_mtime_ns for f in env["cache"].iterdir()} == cache_files  # no passage embedded


def test_changing_one_file_reindexes_it_and_embeds_only_its_passages(env):
    settings = settings_for(env)
    first = ingest(settings)
    before = {c["chunk_id"]: c for c in _chunks(settings)}

    path = env["corpus"] / "official" / "csp-R1111-9.md"
    text = path.read_text(encoding="utf-8")
    assert "6° La sauvegarde des données de santé." in text
    path.write_text(text.replace("6° La sauvegarde des données de santé.",
                                 "6° La sauvegarde des données de santé et leur archivage cryogénique."),
                    encoding="utf-8")
    report = ingest(settings)

    assert report.changed and report.build_id != first.build_id
    assert report.documents == first.documents and report.chunks == first.chunks
    after = {c["chunk_id"]: c for c in _chunks(settings)}
    changed = [cid for cid in after if after[cid]["text"] != before[cid]["text"]]
    assert changed == ["csp-R1111-9#6"]
    assert report.embedded == 1, f"{report.embedded} passages embedded for one changed paragraph"

    from kb.index.store import Store
    from kb.retrieve import HybridRetriever

    hits = HybridRetriever(Store(settings), settings).retrieve("archivage cryogénique des données", k=3).hits
    assert hits[0].chunk.chunk_id == "csp-R1111-9#6"
    assert "cryogénique" in hits[0].chunk.text


def _chunks(settings: Settings) -> list[dict]:
    build = settings.index_root / "builds" / current_manifest(settings)["build_id"]
    return [json.loads(line) for line in (build / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]


def _pdf(path: Path, encrypt: bool = False) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Contrat de sous-traitance des donnees de sante.")
    pdf.output(str(path))
    if encrypt:
        writer = PdfWriter(clone_from=str(path))
        writer.encrypt("secret")
        writer.write(str(path))
    path.with_name(path.name + ".md").write_text(f"---\nid: {path.stem}\ntitle: PDF {path.stem}\n---\n", encoding="utf-8")


BAD_FILES = {  # file → words its one stderr line must hold
    "latin1.md": "UTF-8",
    "sans-entete.md": "front matter",
    "doublon.md": "déjà utilisé",
    "vide.md": "texte vide",
    "illisible.pdf": "PDF illisible",
    "chiffre.pdf": "chiffré",
}


def add_bad_files(corpus: Path) -> None:
    """Six files ingestion must refuse, in a folder sorted after official/ (the first holder of an id wins)."""
    bad = corpus / "user"
    bad.mkdir()
    (bad / "latin1.md").write_bytes("---\nid: latin\ntitle: Latin\n---\n\nDonnées de santé.\n".encode("latin-1"))
    (bad / "sans-entete.md").write_text("# Notes\n\nDu texte sans en-tête.\n", encoding="utf-8")
    (bad / "doublon.md").write_text("---\nid: rgpd-art-33\ntitle: Copie\n---\n\nUne copie.\n", encoding="utf-8")
    (bad / "vide.md").write_text("---\nid: vide\ntitle: Vide\n---\n\n[LACUNE: tout]\n<!-- rien -->\n", encoding="utf-8")
    (bad / "illisible.pdf").write_bytes(b"ceci n'est pas un PDF\n" * 50)
    (bad / "illisible.pdf.md").write_text("---\nid: illisible\ntitle: Illisible\n---\n", encoding="utf-8")
    _pdf(bad / "chiffre.pdf", encrypt=True)


def test_bad_files_each_give_one_clear_line_and_the_good_files_are_ingested(env):
    add_bad_files(env["corpus"])
    _pdf(env["corpus"] / "user" / "contrat.pdf")  # a good PDF among the bad ones

    result = run_kb(env, "ingest")

    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == len(BAD_FILES), result.stderr
    for name, reason in BAD_FILES.items():
        mine = [line for line in lines if f"/{name}:" in line]
        assert len(mine) == 1, (name, lines)
        assert mine[0].startswith("Fichier ignoré : ") and reason in mine[0], mine[0]
    assert "Index construit : 5 documents" in result.stdout
    indexed = {d["doc_id"] for d in current_manifest(settings_for(env))["documents"]}
    assert indexed == {"rgpd-art-33", "csp-R1111-9", "cp-226-13", "fiche-csp-R1111-9", "contrat"}


def test_strict_ingest_exits_non_zero_on_any_refused_file(env):
    add_bad_files(env["corpus"])

    strict = run_kb(env, "ingest", "--strict")
    assert strict.returncode != 0
    assert strict.stderr.startswith("Erreur : Fichiers refusés (--strict)")
    assert all(name in strict.stderr for name in BAD_FILES)
    assert current_manifest(settings_for(env)) is None  # nothing indexed

    assert run_kb(env, "ingest").returncode == 0  # lenient: indexes the good files
    again = run_kb(env, "ingest", "--strict")  # up to date, but the index still lacks refused files
    assert again.returncode != 0 and "--strict" in again.stderr


def test_kill_9_during_rebuild_keeps_the_previous_index_and_next_ingest_cleans_up(env, tmp_path):
    env["corpus"] = copy_corpus(tmp_path / "corpus-full", [f"official/{p.name}" for p in
                                                          sorted((ROOT / "corpus" / "official").glob("*.md"))])
    assert run_kb(env, "ingest").returncode == 0  # the warm cache makes this one quick
    previous = current_manifest(settings_for(env))["build_id"]
    answer_before = json.loads(run_kb(env, "search", "délai de notification d'une violation", "--json").stdout)

    # A rebuild with a fresh, empty cache must embed every passage again: slow enough to be killed midway.
    rebuild = subprocess.Popen([KB, "ingest", "--rebuild"], env=kb_env(env, cache=tmp_path / "cold-cache"),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    try:
        half_built = _wait_for_new_build(env, previous, rebuild, timeout=120)
        time.sleep(2)
        assert rebuild.poll() is None, "the rebuild finished before it could be killed"
        assert not (half_built / "manifest.json").exists()
        rebuild.send_signal(signal.SIGKILL)
        rebuild.wait(timeout=30)
    finally:
        if rebuild.poll() is None:
            rebuild.kill()
            rebuild.wait()
    assert rebuild.returncode == -signal.SIGKILL
    assert half_built.exists()  # the debris is there...
    assert current_manifest(settings_for(env))["build_id"] == previous  # ...but CURRENT never moved

    search = run_kb(env, "search", "délai de notification d'une violation", "--json")
    assert search.returncode == 0, search.stderr
    assert json.loads(search.stdout) == answer_before

    nxt = run_kb(env, "ingest")
    assert nxt.returncode == 0, nxt.stderr
    assert builds(env) == [previous]  # the half-built directory is gone
    assert not half_built.exists()


def _wait_for_new_build(paths: dict, previous: str, proc: subprocess.Popen, timeout: float) -> Path:
    """The build directory the running ingest is writing (its BUILDING marker is there)."""
    deadline = time.monotonic() + timeout
    root = paths["data"] / "index" / "builds"
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()
        fresh = [p for p in root.iterdir() if p.name != previous and (p / BUILDING).exists()]
        if fresh:
            return fresh[0]
        time.sleep(0.1)
    raise AssertionError("the rebuild never started writing its build directory")


def test_cleanup_spares_a_build_another_live_ingest_is_still_writing(env):
    settings = settings_for(env)
    current = ingest(settings).build_id
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])  # stands for a running ingest
    try:
        in_progress = settings.index_root / "builds" / "20990101-000000-enchantier"
        in_progress.mkdir()
        (in_progress / BUILDING).write_text(json.dumps({"pid": other.pid, "collection": "x", "chroma_url": ""}))
        assert not ingest(settings).changed
        assert in_progress.exists()  # its owner is alive: not debris
    finally:
        other.kill()
        other.wait()
    assert not ingest(settings).changed
    assert builds(env) == [current]  # its owner is dead: cleaned


def test_a_changed_quote_in_the_responsibility_map_fails_ingest_naming_the_entry(tmp_path):
    """The map's proof is verbatim or there is no index: an edited span is refused with the entry's id."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    path = corpus / "responsabilites" / "violation-et-notification.yaml"
    text = path.read_text(encoding="utf-8")
    assert "72 heures au plus tard après en avoir pris connaissance" in text
    path.write_text(text.replace("72 heures au plus tard après", "30 jours au plus tard après", 1), encoding="utf-8")
    with pytest.raises(CorpusError, match="violation-medecin-notifie-la-cnil"):
        ingest(Settings(data_dir=tmp_path / "data", corpus_dir=corpus))
    assert current_manifest(Settings(data_dir=tmp_path / "data", corpus_dir=corpus)) is None  # no index built
