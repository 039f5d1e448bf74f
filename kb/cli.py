"""Command line: parse, call kb, print. A KbError becomes one French line and an exit code;
KB_DEBUG=1 re-raises it with its traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

import kb
from kb.config import Settings, debug_requested
from kb.errors import ConfigError, ExportError, KbError

app = typer.Typer(help="Base de connaissances : responsabilité médecin / éditeur / hébergeur (données de santé).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


def settings(**overrides) -> Settings:
    """Settings from KB_* and the options; a bad value is one French line and exit code 2."""
    return run(lambda: Settings(**{k: v for k, v in overrides.items() if v is not None}))


def run(fn):
    """Call fn, turning our errors into a clean message (the traceback only with KB_DEBUG=1)."""
    try:
        return fn()
    except KbError as exc:
        if debug_requested():
            raise
        typer.echo(f"Erreur : {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


@app.command()
def ingest(
    corpus: Annotated[Optional[Path], typer.Option(help="Dossier du corpus (défaut : corpus/)")] = None,
    rebuild: Annotated[bool, typer.Option(help="Tout reconstruire même si rien n'a changé")] = False,
    strict: Annotated[bool, typer.Option(help="Échouer si un fichier est refusé")] = False,
):
    """Indexer le corpus (ne fait rien si rien n'a changé)."""
    report = run(lambda: kb.ingest(settings(corpus_dir=corpus), rebuild=rebuild, strict=strict,
                                   on_wait=lambda message: typer.echo(message, err=True)))
    for problem in report.problems:
        typer.echo(f"Fichier ignoré : {problem}", err=True)
    if not report.changed:
        typer.echo(f"Index à jour ({report.documents} documents, {report.chunks} passages) : rien à faire.")
        return
    typer.echo(f"Index construit : {report.documents} documents, {report.chunks} passages, "
               f"{report.embedded} passages calculés (le reste venait du cache), {report.seconds:.1f} s.")


@app.command()
def seal(corpus: Annotated[Optional[Path], typer.Option(help="Dossier du corpus (défaut : corpus/)")] = None):
    """Sceller les textes officiels : réécrire official.sha256 d'après corpus/official/ (après une modification voulue)."""
    corpus_dir = settings(corpus_dir=corpus).corpus_dir
    changes = run(lambda: kb.seal_changes(corpus_dir))
    if changes.empty:
        typer.echo(f"{kb.CHECKSUMS} correspond déjà aux textes officiels : rien à sceller.")
        return
    for label, names in (("modifié", changes.modified), ("ajouté", changes.added), ("retiré", changes.removed)):
        for name in names:
            typer.echo(f"  {label} : official/{name}")
    run(lambda: kb.seal(corpus_dir))
    typer.echo(f"{kb.CHECKSUMS} réécrit ({len(changes.modified)} modifié(s), {len(changes.added)} ajouté(s), "
               f"{len(changes.removed)} retiré(s)). Lancer « kb ingest » pour réindexer.")


@app.command()
def sources(as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False):
    """Lister les documents du corpus : statut, version, nombre de passages."""
    rows = run(lambda: kb.sources_table(settings()))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Document", "Titre", "Statut", "Version", "Vérifié le", "Passages", show_lines=False)
    for r in rows:
        checked = r["verified_on"] + (" ⚠ modifié depuis ?" if r["possibly_amended_by"] else "")
        table.add_row(r["doc_id"], r["title"], r["status_label"], r["version"][:50], checked, str(r["chunks"]))
    Console(width=200).print(table)


# A question may start with « - » (« -5 % de… », « --quoi ? »): these commands have no short option, so an
# unknown « -… » token is kept whole as the question instead of failing as an unknown option.
QUESTION_COMMAND = {"ignore_unknown_options": True}
QUESTION_HELP = "La question (« - » : la lire sur l'entrée standard)"
K_MAX = 50


def read_question(question: str) -> str:
    """The question, from the argument or from stdin when it is « - »; it must be UTF-8 text and not empty."""
    if question == "-":
        try:
            question = sys.stdin.buffer.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise KbError("La question lue sur l'entrée standard n'est pas du texte UTF-8 : la convertir "
                          "(par exemple iconv -f latin1 -t utf-8).") from None
    else:
        try:
            question.encode("utf-8")
        except UnicodeEncodeError:  # bytes that were not UTF-8 arrive as lone surrogates
            raise KbError("La question n'est pas du texte UTF-8 (octet invalide) : vérifier l'encodage du "
                          "terminal ou du fichier d'où elle vient.") from None
    return kb.check_question(question)


def parse_k(value: Optional[str]) -> Optional[int]:
    """--k as an integer from 1 to K_MAX, with a French message rather than Click's English one."""
    if value is None:
        return None
    try:
        k = int(value)
    except ValueError:
        k = 0
    if not 1 <= k <= K_MAX:
        raise ConfigError(f"--k doit être un nombre entier entre 1 et {K_MAX} (reçu « {value} »).")
    return k


@app.command(context_settings=QUESTION_COMMAND)
def search(
    question: Annotated[str, typer.Argument(help=QUESTION_HELP)],
    k: Annotated[Optional[str], typer.Option("--k", metavar="N", help=f"Passages (1 à {K_MAX}, défaut 10)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON")] = False,
):
    """Recherche hybride : passages, scores et références."""
    question = run(lambda: read_question(question))
    k = run(lambda: parse_k(k)) or 10

    def go():
        return kb.search(kb.Engine(settings()), question, k)

    hits = run(go)
    rows = [{"rank": i + 1, "chunk_id": h.chunk.chunk_id, "doc_id": h.chunk.doc_id, "locator": h.chunk.locator,
             "score": round(h.score, 6), "ranks": h.ranks, "text": h.chunk.text} for i, h in enumerate(hits)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        typer.echo(f"{r['rank']:>2}. {r['score']:.4f}  {r['chunk_id']:<45} {r['locator']}")


@app.command(context_settings=QUESTION_COMMAND)
def ask(
    question: Annotated[str, typer.Argument(help=QUESTION_HELP)],
    as_json: Annotated[bool, typer.Option("--json", help="Réponse au format JSON (schéma stable, voir README)")] = False,
    llm: Annotated[Optional[str], typer.Option(help="Mode LLM : ollama:<modèle> ou openai (défaut : KB_LLM)")] = None,
    k: Annotated[Optional[str], typer.Option("--k", metavar="N", help=f"Passages lus (1 à {K_MAX})")] = None,
    full: Annotated[bool, typer.Option("--full", help="Afficher les passages cités en entier")] = False,
):
    """Poser une question : réponse citée, en français."""
    question = run(lambda: read_question(question))
    k = run(lambda: parse_k(k))
    from kb.render import answer_markdown

    answer = run(lambda: kb.Engine(settings()).answer(question, k=k, llm=llm))
    if as_json:
        typer.echo(json.dumps(kb.answer_to_dict(answer), ensure_ascii=False, indent=1))
    else:
        typer.echo(answer_markdown(answer, full=full))


# -- further commands (evaluation, export) are added below this line --


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Fichier à écrire (dossier.pdf, dossier.docx...)")],
    questions: Annotated[Optional[Path], typer.Option(help="Une question par ligne (# : commentaire)")] = None,
    from_json: Annotated[Optional[Path], typer.Option("--from-json", help="Sortie de « kb ask --json »")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="md, docx ou pdf (défaut : extension)")] = None,
    organisation: Annotated[str, typer.Option(help="Organisation, en couverture")] = "",
    author: Annotated[str, typer.Option(help="Auteur, en couverture")] = "",
    title: Annotated[Optional[str], typer.Option(help="Titre du dossier")] = None,
):
    """Exporter un dossier de conformité (Markdown, Word ou PDF) : passages cités en entier, sources, versions."""
    from kb.export import DossierMeta, check_output_path, load_answers, read_questions, resolve_format, \
        verify_answers, write_dossier

    def go():
        if (questions is None) == (from_json is None):
            raise ExportError("Donner soit --questions FICHIER (une question par ligne), soit --from-json FICHIER.")
        kind = resolve_format(fmt, output)  # a bad or contradictory format or path fails before any work
        check_output_path(output)
        extra = {"organisation": organisation, "author": author, **({"title": title} if title else {})}
        if from_json is not None:
            answers, documents, meta = load_answers(from_json), kb.reference_documents(settings()), DossierMeta(**extra)
            verify_answers(answers, documents)  # an edited or stale quote is refused, never printed as the law
        else:
            from tqdm import tqdm

            asked = read_questions(questions)
            engine = kb.Engine(settings())
            answers = [engine.answer(q) for q in tqdm(asked, desc="Questions", unit="question",
                                                      disable=True if len(asked) < 10 else None)]
            documents, meta = kb.documents(engine), DossierMeta.from_index(kb.index_info(engine), **extra)
        return write_dossier(answers, kind, output, meta, documents), len(answers), kind

    path, count, kind = run(go)
    typer.echo(f"Dossier écrit : {path} ({count} question{'s' if count > 1 else ''}, format {kind}).")


@app.command("eval")
def evaluate(
    questions: Annotated[Optional[Path], typer.Option(help="Fichier de questions (format d'eval/questions.yaml)")] = None,
    split: Annotated[str, typer.Option(help="dev, test ou all")] = "all",
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Écrire métriques et résultats par question")] = None,
    report: Annotated[Optional[Path], typer.Option(help="Écrire le rapport Markdown (eval/REPORT.md)")] = None,
    baselines: Annotated[bool, typer.Option(help="Comparer aussi BM25 seul, dense seul, RAG naïf")] = False,
    thresholds: Annotated[Optional[Path], typer.Option(help="Seuils TOML (défaut : eval/thresholds.toml)")] = None,
):
    """Évaluer recherche et réponses sur un fichier de questions ; code 1 si un seuil n'est pas atteint."""
    from kb.config import ROOT

    default_thresholds = ROOT / "eval" / "thresholds.toml"
    thresholds = thresholds or (default_thresholds if default_thresholds.exists() else None)
    live = sys.stderr.isatty()

    def progress(name: str, n: int, total: int) -> None:
        if live or n == total:
            typer.echo(f"\r{name} : {n}/{total}" + ("\n" if n == total else ""), err=True, nl=False)

    s = settings()
    result = run(lambda: kb.evaluate(s, questions or ROOT / "eval" / "questions.yaml", split, thresholds,
                                     baselines, diagnose=report is not None, progress=progress))
    typer.echo(kb.evaluation_summary(result))
    if json_out:
        json_out.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    if report:
        kb.write_report(result, s, report, "kb " + " ".join(sys.argv[1:]))
    if result.failed:
        typer.echo(f"{len(result.failed)} seuil(s) non atteint(s).", err=True)
        raise typer.Exit(1)



@app.command()
def sync(
    apply: Annotated[bool, typer.Option("--apply", help="Écrire les changements (sans : simulation)")] = False,
    from_dila: Annotated[Optional[Path], typer.Option("--from-dila", help="Dump DILA (.tar.gz ou dossier) au lieu de l'API")] = None,
    only: Annotated[Optional[list[str]], typer.Option("--only", help="Identifiant de document (option répétable)")] = None,
    corpus: Annotated[Optional[Path], typer.Option(help="Dossier du corpus (défaut : corpus/)")] = None,
):
    """Mettre à jour les textes officiels depuis Légifrance (API PISTE) ou les dumps DILA ; écrit avec --apply."""
    s = settings(corpus_dir=corpus)
    plan = run(lambda: kb.plan_sync(s, from_dila=from_dila, only=tuple(only or ())))
    typer.echo(kb.format_plan(plan, applying=apply))
    if apply and plan.to_write:
        written = run(lambda: kb.apply_plan(plan, s.corpus_dir))
        typer.echo(f"{len(written)} fichier(s) écrit(s) dans {s.corpus_dir} (textes, official.sha256, sources.toml). "
                   "Lancer « kb ingest » pour réindexer.")


def main() -> None:
    app(prog_name="kb")


if __name__ == "__main__":
    sys.exit(main())
