"""`kb sync` against a real HTTP server on 127.0.0.1 that speaks PISTE's token endpoint and the Légifrance
routes, with SYNTHETIC replies in the API's recorded shape built from the corpus texts (no network): the dry run
writes nothing, --apply writes texts, checksums and manifest atomically, and every failure changes nothing.
Also the DILA dump reader, on a tiny tarball in the real folder layout."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import shutil
import tarfile
import threading
import tomllib
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import frontmatter
import pytest
from typer.testing import CliRunner

from kb.cli import app
from kb.config import ROOT, Settings
from kb.corpus import legal_text, load_corpus, load_markdown
from kb.sync import apply_plan, plan_sync
from kb.sync.client import PisteClient
from kb.sync.convert import html_to_text
from kb.sync.errors import ApplyError, PisteAuthError, SyncError

FIXTURES = Path(__file__).parent / "fixtures" / "legifrance"
TODAY = date.today()
CLIENT_ID, SECRET = "client-de-test", "secret-de-test-ne-pas-afficher"
NO_END = 32472144000000
REPEALED_ID = "LEGIARTI000036657000"
FUTURE_WORDS = " (rédaction future, pas encore en vigueur)"
CHANGED_SENTENCE = "Phrase ajoutée par la réponse synthétique du test."


def ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp() * 1000)


def to_html(text: str) -> str:
    """Corpus text → texteHtml as the API gives it: one <p> per paragraph, <br/> inside one."""
    return "".join("<p>" + "<br/>".join(html.escape(line) for line in para.split("\n")) + "</p>"
                   for para in text.split("\n\n"))


def article_parts(path: Path) -> tuple[str, str, str]:
    """(number, text, nota) of a corpus article file, gap markers and comments removed."""
    post = frontmatter.loads(path.read_text(encoding="utf-8"))
    heading, _, rest = post.content.strip().partition("\n\n")
    text, _, nota = legal_text(rest).partition("\n\nNOTA:\n\n")
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return heading.removeprefix("## Article ").strip(), text, nota.strip()


class FakePiste:
    """PISTE for tests: OAuth token endpoint plus search, consult/getArticle, consult/cnil, consult/juri."""

    def __init__(self, corpus: Path):
        self.secret = SECRET
        self.tokens: dict[str, int] = {}  # token → API calls served
        self.token_budget: int | None = None  # a token dies after that many calls: expiry mid-run
        self.tokens_issued = 0
        self.fail: dict[str, list[int]] = {}  # route → statuses replied before the real answer
        self.always_fail: int | None = None
        self.fail_after = 0  # API calls served normally before always_fail starts
        self.calls: list[str] = []
        self.articles: dict[str, dict] = {}
        self.in_force: dict[tuple[str, str], str] = {}  # (code name, num) → LEGIARTI id in force today
        self.cnil: dict[str, dict] = {}
        self._build(corpus)

    def _article(self, art_id: str, num: str, text: str, nota: str = "", etat: str = "VIGUEUR",
                 start: date = date(2018, 4, 1), end: int = NO_END, versions: list[dict] | None = None) -> dict:
        article = {"id": art_id, "cid": "LEGIARTI9" + art_id[-11:], "num": num, "etat": etat,
                   "texte": text, "texteHtml": to_html(text), "nota": nota, "notaHtml": to_html(nota) if nota else "",
                   "dateDebut": ms(start), "dateFin": end, "versionArticle": "1.0",
                   "articleVersions": versions or [{"id": art_id, "etat": etat, "version": "1.0",
                                                    "dateDebut": ms(start), "dateFin": end, "numero": num}],
                   "_synthetic": "réponse synthétique construite à partir du corpus"}
        self.articles[art_id] = article
        return article

    def _build(self, corpus: Path) -> None:
        codes = {"csp": "Code de la santé publique", "cp": "Code pénal"}
        for n, path in enumerate(sorted((corpus / "official").glob("c*.md"))):
            num, text, nota = article_parts(path)
            version = str(frontmatter.loads(path.read_text(encoding="utf-8")).metadata.get("version", ""))
            found = re.search(r"depuis le (\d{4}-\d{2}-\d{2})", version)
            start = date.fromisoformat(found[1]) if found else date(2018, 4, 1)
            art_id = f"LEGIARTI{990000000000 + n}"
            if path.stem == "csp-L1111-8":
                art_id = "LEGIARTI000049577902"
            if path.stem == "csp-R1111-9":
                art_id = REPEALED_ID
            if path.stem == "csp-L1110-4":
                text += "\n\n" + CHANGED_SENTENCE
            if path.stem == "csp-R1111-9":  # repealed: no longer found by number, the pinned id says ABROGE
                self._article(art_id, num, text, nota, etat="ABROGE", start=start, end=ms(date(2026, 4, 1)))
                continue
            if path.stem == "csp-R1111-8-8":  # renumbered: the known id's article is now R1111-8-9
                new_id = "LEGIARTI000053000001"
                versions = [{"id": "LEGIARTI000036656709", "etat": "MODIFIE", "dateDebut": ms(start),
                             "dateFin": ms(date(2026, 4, 1)), "numero": "R1111-8-8"},
                            {"id": new_id, "etat": "VIGUEUR", "dateDebut": ms(date(2026, 4, 1)), "dateFin": NO_END,
                             "numero": "R1111-8-9"}]
                self._article("LEGIARTI000036656709", num, text, nota, etat="MODIFIE", start=start,
                              end=ms(date(2026, 4, 1)), versions=versions)
                self._article(new_id, "R1111-8-9", text, nota, start=date(2026, 4, 1), versions=versions)
                continue
            versions = None
            end = NO_END
            if path.stem == "csp-L1470-6":  # a VIGUEUR_DIFF version comes after the one in force today
                coming = TODAY + timedelta(days=90)
                end = ms(coming)
                versions = [{"id": art_id, "etat": "VIGUEUR", "dateDebut": ms(start), "dateFin": end, "numero": num},
                            {"id": "LEGIARTI000099999990", "etat": "VIGUEUR_DIFF", "dateDebut": ms(coming),
                             "dateFin": NO_END, "numero": num}]
            self._article(art_id, num, text, nota, start=start, end=end, versions=versions)
            if versions:
                self._article("LEGIARTI000099999990", num, text + FUTURE_WORDS, nota, etat="VIGUEUR_DIFF",
                              start=TODAY + timedelta(days=90), versions=versions)
            self.in_force[(codes[path.stem.split("-")[0]], num)] = art_id
        self.cnil["CNILTEXT000042675720"] = json.loads((FIXTURES / "consult-cnil-SAN-2020-014.json").read_text())["text"]
        self.cnil["CNILTEXT000099000081"] = {
            "id": "CNILTEXT000099000081", "num": "2020-081", "natureDelib": "Referentiel/reglement type/norme",
            "dateTexte": ms(date(2020, 6, 18)), "datePubli": ms(date(2020, 7, 28)), "etat": "VIGUEUR",
            "titreLong": "Délibération n° 2020-081 du 18 juin 2020 (réponse synthétique)",
            "texteHtml": "<p>Référentiel synthétique pour les tests.</p>"}

    # -- HTTP -------------------------------------------------------------------------------------------
    def token(self, form: dict) -> tuple[int, dict]:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != self.secret:
            return 401, {"error": "invalid_client"}
        self.tokens_issued += 1
        token = f"jeton-{self.tokens_issued}"
        self.tokens[token] = 0
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": "openid"}

    def api(self, route: str, auth: str, body: dict) -> tuple[int, dict | None]:
        self.calls.append(route)
        token = auth.removeprefix("Bearer ")
        if token not in self.tokens or (self.token_budget is not None and self.tokens[token] >= self.token_budget):
            return 401, {"error": "invalid_token"}
        self.tokens[token] += 1
        if self.always_fail and len(self.calls) > self.fail_after:
            return self.always_fail, {"error": "synthetic"}
        if self.fail.get(route):
            return self.fail[route].pop(0), {"error": "synthetic"}
        if route == "search" and body["fond"] == "CNIL":
            return 200, json.loads((FIXTURES / "search-cnil-referentiel.json").read_text())
        if route == "search":
            num = body["recherche"]["champs"][0]["criteres"][0]["valeur"]
            code = body["recherche"]["filtres"][0]["valeurs"][0]
            art_id = self.in_force.get((code, num))
            extracts = [{"id": art_id, "num": num, "legalStatus": "VIGUEUR"}] if art_id else []
            results = [{"titles": [{"id": "LEGITEXT000006072665", "title": code}],
                        "sections": [{"id": "LEGISCTA000000000001", "extracts": extracts}]}] if art_id else []
            return 200, {"results": results, "totalResultNumber": len(results)}
        if route == "consult/getArticle":
            return 200, {"executionTime": 3, "article": self.articles.get(body["id"])}
        if route == "consult/cnil":
            return 200, {"text": self.cnil.get(body["textId"])}
        if route == "consult/juri":
            return 404, {"error": "not found"}
        return 400, {"error": f"route inconnue {route}"}


@pytest.fixture
def corpus(tmp_path) -> Path:
    """A copy of the shipped corpus: the sync never writes into the real one."""
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    pinned = target / "official" / "csp-R1111-9.md"  # as if a previous sync had recorded its ids
    pinned.chmod(0o644)
    pinned.write_text(pinned.read_text(encoding="utf-8").replace(
        "\nversion:", f"\nlegifrance_id: {REPEALED_ID}\nversion:", 1),
        encoding="utf-8")
    return target


@pytest.fixture
def piste(corpus):
    fake = FakePiste(corpus)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            if self.path == "/oauth/token":
                status, reply = fake.token({k: v[0] for k, v in parse_qs(raw).items()})
            else:
                status, reply = fake.api(self.path.removeprefix("/api/"), self.headers.get("Authorization", ""),
                                         json.loads(raw or "{}"))
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


def env_for(fake: FakePiste, **extra) -> dict:
    env = {"KB_PISTE_CLIENT_ID": CLIENT_ID, "KB_PISTE_CLIENT_SECRET": SECRET, "KB_PISTE_SANDBOX": None,
           "KB_PISTE_OAUTH_URL": f"{fake.url}/oauth/token", "KB_PISTE_API_URL": f"{fake.url}/api/",
           "KB_PISTE_BACKOFF": "0.001", "KB_PISTE_RETRIES": "3", "KB_DEBUG": None, "KB_CORPUS_DIR": None}
    env.update(extra)
    return env


def settings_for(fake: FakePiste, corpus: Path, **extra) -> Settings:
    return Settings(corpus_dir=corpus, piste_client_id=CLIENT_ID, piste_client_secret=SECRET,
                    piste_oauth_url=f"{fake.url}/oauth/token", piste_api_url=f"{fake.url}/api/", piste_backoff=0.001,
                    piste_retries=3, **extra)


def kb(env: dict, *args):
    return CliRunner().invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def blocks(manifest: str) -> dict[str, str]:
    """sources.toml cut at each [documents."id"] header ('' = the preamble)."""
    parts = re.split(r'(?m)^(?=\[documents\.")', manifest)
    return {(re.match(r'\[documents\."([^"]+)"\]', p)[1] if p.startswith("[") else ""): p for p in parts}


# -- dry run, apply -------------------------------------------------------------------------------------

def test_dry_run_prints_every_kind_of_change_and_writes_nothing(piste, corpus):
    before = snapshot(corpus)
    result = kb(env_for(piste), "sync", "--corpus", corpus)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"modifié\s+csp-L1110-4 ", out) and f"+ {CHANGED_SENTENCE}" in out
    assert re.search(r"abrogé\s+csp-R1111-9 .*abrogé depuis le 2026-04-01", out)
    assert re.search(r"renuméroté\s+csp-R1111-8-8", out) and "porte désormais le numéro R1111-8-9" in out
    assert re.search(r"nouveau\s+cnil-SAN-2020-014 ", out)
    assert re.search(r"introuvable\s+cnil-SAN-2022-009", out)
    assert re.search(r"introuvable\s+ce-2022-07-22-449694", out)
    assert "hors Légifrance (EUR-Lex), non synchronisé : rgpd-art-24" in out
    assert "csp-L1110-4-1-ancien" in out and "non synchronisé" in out
    assert f"nouvelle version à venir le {TODAY + timedelta(days=90)}" in out
    assert "Fiches à relire" in out and "fiches/fiche-csp-L1110-4.md (csp-L1110-4)" in out
    assert "kb sync --apply" in out
    assert snapshot(corpus) == before


def test_apply_writes_texts_checksums_and_only_the_synced_manifest_keys(piste, corpus):
    manifest_before = (corpus / "sources.toml").read_text(encoding="utf-8")
    renumbered_before = (corpus / "official" / "csp-R1111-8-8.md").read_bytes()
    first_day = date.today()
    result = kb(env_for(piste), "sync", "--apply", "--corpus", corpus)
    run_days = {first_day.isoformat(), date.today().isoformat()}  # the run may cross midnight
    assert result.exit_code == 0, result.output
    assert "kb ingest" in result.stdout

    changed = load_markdown(corpus / "official" / "csp-L1110-4.md")
    assert CHANGED_SENTENCE in changed.text and changed.version == "en vigueur depuis le 2021-08-04"
    assert changed.verified_on in run_days
    raw = (corpus / "official" / "csp-L1110-4.md").read_text(encoding="utf-8")
    assert f"Légifrance API, {changed.verified_on}" in raw and "legifrance_id: LEGIARTI" in raw

    lines = (corpus / "official.sha256").read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(names) == sorted(p.name for p in (corpus / "official").glob("*.md"))
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((corpus / "official" / name).read_bytes()).hexdigest() == digest, name

    manifest_after = (corpus / "sources.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(manifest_after)["documents"]
    assert entries["csp-L1110-4"]["version"] == "en vigueur depuis le 2021-08-04"
    assert entries["csp-L1110-4"]["verified_on"] == changed.verified_on
    assert entries["csp-R1111-9"]["legal_status"] == "abrogé"
    assert "possibly_amended_by" not in entries["csp-R1111-9"]
    assert entries["csp-L1111-8"]["status"] == "complete"  # the whole text replaces the partial one
    assert entries["cnil-SAN-2020-014"]["status"] == "complete"
    assert entries["cnil-SAN-2020-014"]["files"][0] == "official/cnil-SAN-2020-014.md"
    old, new = blocks(manifest_before), blocks(manifest_after)
    assert old.keys() == new.keys()
    synced = {"csp-L1110-4", "csp-R1111-9", "csp-L1111-8", "cnil-SAN-2020-014", "csp-L1470-6", "cp-226-13",
              "cnil-referentiel-cabinets-2020-081"}
    untouched = [k for k in old if old[k] == new[k]]
    assert set(old) - set(untouched) >= synced
    for doc_id in ("", "rgpd-art-4", "csp-R1111-8-8", "cnil-SAN-2022-009", "csp-L1110-4-1-ancien"):
        assert new[doc_id] == old[doc_id], doc_id
    assert (corpus / "official" / "csp-R1111-8-8.md").read_bytes() == renumbered_before

    loaded = load_corpus(corpus)
    assert not loaded.problems
    docs = loaded.by_id()
    assert docs["csp-R1111-9"].legal_status == "abrogé"
    assert not [p for p in corpus.parent.iterdir() if "-sync-" in p.name]  # staging removed

    again = kb(env_for(piste), "sync", "--corpus", corpus)
    assert "Rien à écrire" in again.stdout, again.stdout


def test_repealed_article_stays_marked_abroge_with_its_last_text(piste, corpus):
    text_before = load_markdown(corpus / "official" / "csp-R1111-9.md").text
    plan = plan_sync(settings_for(piste, corpus), only=("csp-R1111-9",))
    apply_plan(plan, corpus)
    doc = load_markdown(corpus / "official" / "csp-R1111-9.md")
    assert doc.legal_status == "abrogé" and "abrogé depuis le 2026-04-01" in doc.version
    assert doc.text.strip() == text_before.strip()


def test_vigueur_diff_keeps_the_version_in_force_today_and_reports_the_coming_one(piste, corpus):
    plan = plan_sync(settings_for(piste, corpus), only=("csp-L1470-6",))
    (change,) = plan.changes
    coming = TODAY + timedelta(days=90)
    assert f"jusqu'au {coming}" in change.version and f"à venir le {coming}" in change.version
    assert "LEGIARTI990000000" in change.content and "LEGIARTI000099999990 entre" not in change.content
    assert any("version en vigueur aujourd'hui est gardée" in m for m in change.messages)
    assert "NOTA:" in change.content  # the note on entry into force stays next to the text


def test_search_landing_on_the_future_version_falls_back_to_the_one_in_force(piste, corpus):
    piste.in_force[("Code de la santé publique", "L1470-6")] = "LEGIARTI000099999990"
    (change,) = plan_sync(settings_for(piste, corpus), only=("csp-L1470-6",)).changes
    assert change.content is not None and FUTURE_WORDS not in change.content
    assert f"à venir le {TODAY + timedelta(days=90)}" in change.version


def test_renumbered_article_is_flagged_and_never_rebound(piste, corpus):
    plan = plan_sync(settings_for(piste, corpus), only=("csp-R1111-8-8",))
    (change,) = plan.changes
    assert change.action == "renumbered" and change.content is None
    assert "R1111-8-9" in change.messages[0]
    assert plan.fiches["fiches/fiche-csp-R1111-8-8.md"] == ["csp-R1111-8-8"]


def test_number_given_to_another_article_is_flagged(piste, corpus):
    path = corpus / "official" / "cp-226-22.md"
    path.write_text(path.read_text(encoding="utf-8").replace("\nversion:", "\nlegifrance_cid: LEGIARTI000000000001"
                                                             "\nversion:", 1), encoding="utf-8")
    plan = plan_sync(settings_for(piste, corpus), only=("cp-226-22",))
    (change,) = plan.changes
    assert change.action == "renumbered" and change.content is None
    assert "désigne désormais un autre article" in change.messages[0]


def test_cnil_reply_keeps_pseudonymised_parts_verbatim(piste, corpus):
    plan = plan_sync(settings_for(piste, corpus), only=("cnil-SAN-2020-014",))
    apply_plan(plan, corpus)
    doc = load_markdown(corpus / "official" / "cnil-SAN-2020-014.md")
    assert "Concernant le docteur […], médecin libéral exerçant à […] ;" in doc.text
    assert "rapport de M. […], commissaire,\nDécide :" in doc.text  # link → its text, <br/> → line break
    assert "3\u00a0000 euros" in doc.text and doc.status == "complete"
    assert doc.version == "délibération du 2020-12-07, publiée le 2020-12-10"
    assert "pseudonymisations" in (corpus / "official" / "cnil-SAN-2020-014.md").read_text(encoding="utf-8")


# -- HTTP failures ----------------------------------------------------------------------------------------

def test_token_expiring_mid_run_is_refreshed(piste, corpus):
    piste.token_budget = 4
    plan = plan_sync(settings_for(piste, corpus))
    assert piste.tokens_issued > 2
    assert any(c.doc_id == "csp-L1110-4" and c.action == "changed" for c in plan.changes)


def test_token_is_renewed_shortly_before_it_expires(piste):
    now = [0.0]
    with PisteClient(CLIENT_ID, SECRET, oauth_url=f"{piste.url}/oauth/token", api_url=f"{piste.url}/api/",
                     clock=lambda: now[0]) as client:
        client.post("consult/cnil", {"textId": "CNILTEXT000042675720"})
        now[0] = 3000.0
        client.post("consult/cnil", {"textId": "CNILTEXT000042675720"})
        assert client.tokens_fetched == 1
        now[0] = 3550.0  # 50 s left: renewed before the call, not after a 401
        client.post("consult/cnil", {"textId": "CNILTEXT000042675720"})
        assert client.tokens_fetched == 2


def test_429_then_success_retries_with_back_off(piste, corpus):
    piste.fail["consult/getArticle"] = [429, 503]
    plan = plan_sync(settings_for(piste, corpus), only=("csp-L1110-4",))
    assert plan.changes[0].action == "changed"
    assert piste.calls.count("consult/getArticle") == 3


def test_500_until_give_up_writes_nothing(piste, corpus):
    before = snapshot(corpus)
    piste.always_fail, piste.fail_after = 500, 12  # half-way through the documents
    result = kb(env_for(piste), "sync", "--apply", "--corpus", corpus)
    assert result.exit_code == 1
    assert "ne répond pas (HTTP 500 après 4 essais)" in result.stderr and "Rien n'a été écrit" in result.stderr
    assert snapshot(corpus) == before


def test_wrong_credentials_give_a_clear_french_error(piste, corpus):
    result = kb(env_for(piste, KB_PISTE_CLIENT_SECRET="mauvais-secret"), "sync", "--corpus", corpus)
    assert result.exit_code == 2
    assert result.stderr.strip() == ("Erreur : Identifiants PISTE refusés (401) : vérifier KB_PISTE_CLIENT_ID et "
                                     "KB_PISTE_CLIENT_SECRET")
    assert "mauvais-secret" not in result.output


def test_missing_credentials_point_to_the_dila_dumps(corpus):
    result = kb({"KB_PISTE_CLIENT_ID": None, "KB_PISTE_CLIENT_SECRET": None}, "sync", "--corpus", corpus)
    assert result.exit_code == 2 and "--from-dila" in result.stderr


def test_unknown_document_id_is_refused_with_the_valid_ones(piste, corpus):
    with pytest.raises(SyncError, match="Identifiant inconnu du manifeste : csp-L9999"):
        plan_sync(settings_for(piste, corpus), only=("csp-L9999",))


def test_failure_half_way_through_the_swap_restores_every_file(piste, corpus, monkeypatch):
    plan = plan_sync(settings_for(piste, corpus))
    before = snapshot(corpus)
    import kb.sync.write as write

    real, calls = write.os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 5:
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(write.os, "replace", flaky)
    with pytest.raises(ApplyError, match="remis dans leur état d'origine"):
        apply_plan(plan, corpus)
    assert snapshot(corpus) == before
    assert not [p for p in corpus.parent.iterdir() if "-sync-" in p.name]


# -- conversion, DILA ---------------------------------------------------------------------------------------

def test_html_conversion_is_the_corpus_one():
    assert html_to_text('<p>I.-Le <a href="x">contrat</a>&nbsp;est&#233;<br/>II.-Suite</p>\n<p>1° fin</p>') == \
        "I.-Le contrat\u00a0esté\nII.-Suite\n\n1° fin"
    assert html_to_text("Alinéa un.<br/><br/>Alinéa  deux.") == "Alinéa un.\n\nAlinéa deux."


def test_conversion_round_trips_every_shipped_article(corpus):
    for path in sorted((corpus / "official").glob("c*.md")):
        if path.stem == "csp-L1111-8":
            continue  # partial: gap markers are not API text
        _, text, nota = article_parts(path)
        assert html_to_text(to_html(text)) == text, path.name


LEGI_DIR = ("legi/global/code_et_TNC_en_vigueur/code_en_vigueur/LEGI/TEXT/00/00/06/07/26/LEGITEXT000006072665/"
            "article/LEGI/ARTI/00/00/06/68/")


def legi_article(art_id: str, num: str, etat: str, start: str, end: str, body: str, nota: str = "") -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ARTICLE>
<META><META_COMMUN><ID>{art_id}</ID><ANCIEN_ID/><ORIGINE>LEGI</ORIGINE><URL>article/LEGI/ARTI/{art_id}.xml</URL>
<NATURE>Article</NATURE></META_COMMUN>
<META_SPEC><META_ARTICLE><NUM>{num}</NUM><ETAT>{etat}</ETAT><DATE_DEBUT>{start}</DATE_DEBUT><DATE_FIN>{end}</DATE_FIN>
<TYPE>AUTONOME</TYPE></META_ARTICLE></META_SPEC></META>
<CONTEXTE><TEXTE cid="LEGITEXT000006072665" nature="CODE"><TITRE_TXT id_txt="LEGITEXT000006072665">Code de la santé
publique</TITRE_TXT><TM><TITRE_TM id="LEGISCTA000006154995">Partie législative</TITRE_TM></TM></TEXTE></CONTEXTE>
<VERSIONS><VERSION etat="{etat}"><LIEN_ART debut="{start}" etat="{etat}" fin="{end}" id="{art_id}" num="{num}"
origine="LEGI"/></VERSION></VERSIONS>
<NOTA><CONTENU>{nota}</CONTENU></NOTA>
<BLOC_TEXTUEL><CONTENU>{body}</CONTENU></BLOC_TEXTUEL>
</ARTICLE>
""".encode()


def dila_tarball(tmp_path: Path, corpus: Path) -> Path:
    """A tiny DILA dump in the real layout: one LEGI article (plus a deleted version), one CNIL deliberation."""
    num, text, nota = article_parts(corpus / "official" / "csp-L1110-12.md")
    cnil = json.loads((FIXTURES / "consult-cnil-SAN-2020-014.json").read_text())["text"]
    members = {
        LEGI_DIR + "57/LEGIARTI000031930136.xml": legi_article("LEGIARTI000031930136", num, "VIGUEUR", "2016-01-28",
                                                               "2999-01-01", to_html(text), to_html(nota) if nota else ""),
        LEGI_DIR + "58/LEGIARTI000099999999.xml": legi_article("LEGIARTI000099999999", num, "VIGUEUR", "2016-01-28",
                                                               "2999-01-01", "<p>Version supprimée par la DILA.</p>"),
        "liste_suppression_legi.dat": (LEGI_DIR + "58/LEGIARTI000099999999\n").encode(),
        "cnil/global/CNIL/TEXT/00/00/42/67/57/CNILTEXT000042675720.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<TEXTE_CNIL><META><META_COMMUN><ID>CNILTEXT000042675720</ID><ORIGINE>CNIL</ORIGINE><NATURE>DELIBERATION</NATURE>
</META_COMMUN><META_SPEC><META_CNIL><NUMERO>SAN-2020-014</NUMERO><NATURE_DELIB>Sanction</NATURE_DELIB>
<DATE_TEXTE>2020-12-07</DATE_TEXTE><DATE_PUBLI>2020-12-10</DATE_PUBLI><ETAT_JURIDIQUE>VIGUEUR</ETAT_JURIDIQUE>
<TITREFULL>{html.escape(cnil["titreLong"])}</TITREFULL></META_CNIL></META_SPEC></META>
<TEXTE><BLOC_TEXTUEL><CONTENU>{cnil["texteHtml"].replace("&nbsp;", "&#160;")}</CONTENU></BLOC_TEXTUEL></TEXTE>
</TEXTE_CNIL>
""".encode(),
    }
    path = tmp_path / "Freemium_test_20261203-000000.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_from_dila_tarball_writes_the_same_text_as_the_api(piste, corpus, tmp_path):
    dump = dila_tarball(tmp_path, corpus)
    only = ("csp-L1110-12", "cnil-SAN-2020-014")
    api = {c.doc_id: c for c in plan_sync(settings_for(piste, corpus), only=only).changes}
    result = kb({"KB_PISTE_CLIENT_ID": None, "KB_PISTE_CLIENT_SECRET": None}, "sync", "--apply", "--from-dila", dump,
                "--only", only[0], "--only", only[1], "--corpus", corpus)
    assert result.exit_code == 0, result.output
    assert "DILA open data (Freemium_test_20261203-000000.tar.gz)" in result.stdout
    for doc_id in only:
        written = load_markdown(corpus / "official" / f"{doc_id}.md")
        api_doc = frontmatter.loads(api[doc_id].content)
        assert written.text.strip() == api_doc.content.strip()
        assert written.version == api[doc_id].version
    assert "Version supprimée" not in (corpus / "official" / "csp-L1110-12.md").read_text(encoding="utf-8")
    assert load_markdown(corpus / "official" / "csp-L1110-12.md").version == "en vigueur depuis le 2016-01-28"


def test_from_dila_extracted_folder_reads_the_same_dump(piste, corpus, tmp_path):
    dump = dila_tarball(tmp_path, corpus)
    folder = tmp_path / "extrait"
    with tarfile.open(dump) as tar:
        tar.extractall(folder, filter="data")
    plan = plan_sync(Settings(corpus_dir=corpus), from_dila=folder, only=("csp-L1110-12", "cnil-SAN-2020-014"))
    assert [c.action for c in plan.changes] == ["metadata", "new"]


def test_wrong_corpus_directory_is_a_french_error(tmp_path):
    result = kb({"KB_PISTE_CLIENT_ID": None}, "sync", "--corpus", tmp_path / "ailleurs")
    assert result.exit_code == 1 and "manifeste introuvable" in result.stderr


def test_missing_dump_is_a_french_error(corpus, tmp_path):
    with pytest.raises(SyncError, match="Dump DILA introuvable"):
        plan_sync(Settings(corpus_dir=corpus), from_dila=tmp_path / "absent.tar.gz")


def test_credentials_never_reach_settings_output():
    settings = Settings(piste_client_secret=SECRET)
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    with pytest.raises(PisteAuthError):
        PisteClient("", "")
