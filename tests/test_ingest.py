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


# -- concurrency: one ingest at a time, and readers keep the build they opened ---------------------------------------

THREE = SMALL[:3]


def _corpus_with_manifest(dest: Path) -> Path:
    copy_corpus(dest, THREE)
    shutil.copyfile(ROOT / "corpus" / "sources.toml", dest / "sources.toml")
    return dest


def test_ten_concurrent_rebuilds_leave_an_index_that_answers(env, tmp_path):
    """Each rebuild used to delete the other's finished build: CURRENT pointed at nothing (« Aucun index »)."""
    env["corpus"] = _corpus_with_manifest(tmp_path / "corpus3")
    procs = [subprocess.Popen([KB, "ingest", "--rebuild"], env=kb_env(env), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=tmp_path) for _ in range(10)]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]

    for code, out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
    manifest = current_manifest(settings_for(env))
    assert manifest is not None, "CURRENT points at a missing build"
    assert (env["data"] / "index" / "builds" / manifest["build_id"] / "chunks.jsonl").exists()
    search = run_kb(env, "search", "délai de notification d'une violation à l'autorité", "--json")
    assert search.returncode == 0, search.stderr
    assert "rgpd-art-33" in [h["doc_id"] for h in json.loads(search.stdout)[:3]]


def test_two_rebuilds_that_switch_together_do_not_delete_each_other(env, monkeypatch):
    """The clash made certain: each rebuild pauses right after switching CURRENT, so the other switches too; then
    each cleaned up the other's finished build."""
    import threading

    from kb.index import store

    settings = settings_for(env)
    ingest(settings)
    switch = store._switch

    def slow_switch(index_root, build_id):
        switch(index_root, build_id)
        time.sleep(2)

    monkeypatch.setattr(store, "_switch", slow_switch)
    errors: list[BaseException] = []

    def rebuild():
        try:
            ingest(settings, rebuild=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    manifest = current_manifest(settings)
    assert manifest is not None, "CURRENT points at a missing build"
    assert (settings.index_root / "builds" / manifest["build_id"] / "chunks.jsonl").exists()


def test_searches_during_rebuilds_never_crash(env, tmp_path):
    """A reader keeps the build it opened: 20 searches (a fresh Store each, plus one long-lived Store, as the app
    holds) while rebuilds replace the index in a loop."""
    import threading

    from kb.index.store import Store
    from kb.retrieve import HybridRetriever

    env["corpus"] = copy_corpus(tmp_path / "corpus3", THREE)
    settings = settings_for(env)
    ingest(settings)
    long_lived = HybridRetriever(Store(settings), settings)
    stop = threading.Event()
    rebuilds: list[subprocess.CompletedProcess] = []

    def rebuild_loop():
        while not stop.is_set():
            rebuilds.append(run_kb(env, "ingest", "--rebuild"))

    thread = threading.Thread(target=rebuild_loop, daemon=True)
    thread.start()
    deadline = time.monotonic() + 240
    try:
        done = 0
        while done < 20 and time.monotonic() < deadline:
            if len(rebuilds) < 2 and done >= 10:  # spread the searches over at least two rebuilds
                time.sleep(0.5)
                continue
            fresh = HybridRetriever(Store(settings), settings)
            for retriever in (fresh, long_lived):
                hits = retriever.retrieve("délai de notification d'une violation", k=3).hits
                assert hits and hits[0].chunk.doc_id == "rgpd-art-33"
            done += 1
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=300)
    assert done == 20, f"only {done} searches in the time bound"
    assert len(rebuilds) >= 2 and all(r.returncode == 0 for r in rebuilds), [r.stderr for r in rebuilds]
    manifest = current_manifest(settings)
    assert (settings.index_root / "builds" / manifest["build_id"] / "manifest.json").exists()


# -- the seal of official texts ---------------------------------------------------------------------------------------

def _sealed_corpus(dest: Path) -> Path:
    copy_corpus(dest, THREE)
    names = {Path(rel).name for rel in THREE}
    lines = [line for line in (ROOT / "corpus" / "official.sha256").read_text(encoding="utf-8").splitlines()
             if line.split()[-1] in names]
    (dest / "official.sha256").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest


def test_an_edited_official_text_is_refused_until_it_is_resealed(env, tmp_path):
    env["corpus"] = _sealed_corpus(tmp_path / "sealed")
    assert run_kb(env, "ingest").returncode == 0
    before = current_manifest(settings_for(env))["build_id"]
    path = env["corpus"] / "official" / "rgpd-art-33.md"
    path.write_text(path.read_text(encoding="utf-8").replace("72 heures", "30 jours"), encoding="utf-8")

    for args in (("ingest",), ("ingest", "--strict"), ("ingest", "--rebuild")):
        refused = run_kb(env, *args)
        assert refused.returncode != 0, args
        assert refused.stderr.startswith("Erreur :") and "Traceback" not in refused.stderr
        assert "official/rgpd-art-33.md" in refused.stderr and "kb seal" in refused.stderr
    assert current_manifest(settings_for(env))["build_id"] == before  # the sealed index still answers

    sealed = run_kb(env, "seal")
    assert sealed.returncode == 0, sealed.stderr
    assert "rgpd-art-33.md" in sealed.stdout and "modifié" in sealed.stdout
    again = run_kb(env, "seal")
    assert again.returncode == 0 and "rien" in again.stdout.lower()

    assert run_kb(env, "ingest").returncode == 0
    found = json.loads(run_kb(env, "search", "délai de notification d'une violation", "--json").stdout)
    assert any("30 jours" in h["text"] for h in found if h["doc_id"] == "rgpd-art-33")


def test_an_official_text_that_disappeared_is_reported(env, tmp_path):
    env["corpus"] = _sealed_corpus(tmp_path / "sealed")
    (env["corpus"] / "official" / "cp-226-13.md").unlink()
    result = run_kb(env, "ingest")
    assert result.returncode != 0
    assert "official/cp-226-13.md" in result.stderr and "disparu" in result.stderr


# -- bad input: one clear French line, never a traceback ---------------------------------------------------------------

def test_colliding_chunk_ids_are_made_unique_and_all_indexed(env):
    """Two « Obligations » sections and one « Obligations 2 »: the second became obligations-2, the same id as the
    third, and Chroma refused the batch with a traceback."""
    fiche = env["corpus"] / "fiches" / "collision.md"
    fiche.write_text("---\nid: collision\ntitle: Collision\nkind: fiche\n---\n\n## Obligations\n\n- Un. [x]\n\n"
                     "## Obligations\n\n- Deux. [x]\n\n## Obligations 2\n\n- Trois. [x]\n", encoding="utf-8")
    result = run_kb(env, "ingest")
    assert result.returncode == 0, result.stderr
    ids = [c["chunk_id"] for c in _chunks(settings_for(env))]
    assert len(ids) == len(set(ids))
    assert len([i for i in ids if i.startswith("collision#")]) == 3


BAD_HEADERS = {  # file → (front matter, words of its stderr line)
    "montant.md": ("id: m\ntitle: M\nkind: fiche\ndecision:\n  reference: SAN-1\n  amount_eur: 1,5 M€",
                   "decision.amount_eur"),
    "about.md": ("id: a\ntitle: A\nkind: fiche\nabout: 5", "about"),
    "breaches.md": ("id: b\ntitle: B\nkind: fiche\ndecision:\n  breaches: rgpd-art-32", "decision.breaches"),
}


def test_bad_front_matter_gives_one_line_per_file_and_the_rest_is_indexed(env):
    for name, (header, _) in BAD_HEADERS.items():
        (env["corpus"] / "user").mkdir(exist_ok=True)
        (env["corpus"] / "user" / name).write_text(f"---\n{header}\n---\n\n## En bref\n\n- Sanction. [x]\n",
                                                   encoding="utf-8")
    (env["corpus"] / "user" / "bom.md").write_bytes(b"\xef\xbb\xbf---\nid: bom\ntitle: BOM\n---\n\nTexte avec BOM.\n")
    os.symlink("boucle.md", env["corpus"] / "user" / "boucle.md")

    result = run_kb(env, "ingest")

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == len(BAD_HEADERS) + 1, lines
    for name, (_, words) in BAD_HEADERS.items():
        [line] = [line for line in lines if f"/{name}:" in line]
        assert line.startswith("Fichier ignoré : ") and f"« {words} »" in line, line
    assert any("/boucle.md:" in line and "lien symbolique" in line for line in lines)
    assert "bom" in {d["doc_id"] for d in current_manifest(settings_for(env))["documents"]}
    indexed = {d["doc_id"] for d in current_manifest(settings_for(env))["documents"]}
    assert not indexed & {"m", "a", "b"}  # a bad decision never reaches an answer (it crashed every one showing it)
    search = run_kb(env, "search", "sanction", "--json")
    assert search.returncode == 0 and "Traceback" not in search.stderr
    assert run_kb(env, "ingest", "--strict").returncode != 0


def _as_nobody() -> list[str]:
    """A command prefix running a child as an unprivileged user: root reads any file and writes any directory."""
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


def test_unreadable_file_and_read_only_data_dir_give_clear_messages(tmp_path):
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="kb-ro-"))  # reachable by an unprivileged user (tmp_path is not)
    try:
        os.chmod(base, 0o755)
        paths = {"corpus": copy_corpus(base / "corpus", THREE), "data": base / "data"}
        paths["cache"] = warm_cache(paths["data"] / "cache")
        secret = paths["corpus"] / "official" / "secret.md"
        secret.write_text("---\nid: secret\ntitle: Secret\n---\n\nTexte.\n", encoding="utf-8")
        os.chmod(secret, 0o000)
        for root, dirs, files in os.walk(base):
            for p in [root, *(os.path.join(root, f) for f in files)]:
                if os.geteuid() == 0 and Path(root).is_relative_to(paths["data"]):
                    os.chown(p, 65534, 65534)
        env = {**kb_env(paths), "HOME": str(base)}

        def kb(*args):
            return subprocess.run([*_as_nobody(), KB, *args], env=env, capture_output=True, text=True, timeout=600,
                                  cwd=base)

        first = kb("ingest")
        assert first.returncode == 0, first.stderr
        assert "Traceback" not in first.stderr
        [line] = [line for line in first.stderr.splitlines() if "secret.md" in line]
        assert "permission refusée" in line

        for root, dirs, files in os.walk(paths["data"]):  # the data dir becomes read-only
            for p in [root, *(os.path.join(root, f) for f in files)]:
                os.chmod(p, os.stat(p).st_mode & ~0o222)
        search = kb("search", "délai de notification d'une violation", "--json")
        assert search.returncode == 0, search.stderr
        assert json.loads(search.stdout)[0]["doc_id"] == "rgpd-art-33"
        rebuild = kb("ingest", "--rebuild")
        assert rebuild.returncode != 0
        assert rebuild.stderr.startswith("Erreur :") and "Traceback" not in rebuild.stderr
        assert "lecture seule" in rebuild.stderr or "permission refusée" in rebuild.stderr, rebuild.stderr
    finally:
        for root, dirs, files in os.walk(base):
            os.chmod(root, 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_a_full_disk_gives_a_clear_error_and_keeps_the_previous_index(env, monkeypatch):
    from kb.errors import KbError
    from kb.index import store

    settings = settings_for(env)
    previous = ingest(settings).build_id
    write = store._write_jsonl
    monkeypatch.setattr(store, "_write_jsonl", lambda path, records: write(Path("/dev/full"), records))
    with pytest.raises(KbError, match="Disque plein") as caught:
        ingest(settings, rebuild=True)
    assert str(settings.index_root) in str(caught.value)
    assert current_manifest(settings)["build_id"] == previous
    assert builds(env) == [previous]  # the half-written build is removed
