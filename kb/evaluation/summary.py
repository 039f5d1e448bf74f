"""The compact table `kb eval` prints: the configuration under test by split, each threshold marked,
then one line per baseline."""

from __future__ import annotations

from kb.evaluation.metrics import METRIC_LABELS, Metrics, fmt
from kb.evaluation.runner import Evaluation


def summary(evaluation: Evaluation) -> str:
    """The compact terminal table: the configuration under test by split, then the baselines."""
    main = evaluation.main
    splits = list(main.metrics)
    checks = {(c.split, c.metric): c for c in evaluation.checks}
    width = max(len(v) for v in METRIC_LABELS.values()) + 2
    lines = [f"{main.name} — {', '.join(f'{s} : {m.questions} questions' for s, m in main.metrics.items())}",
             f"{'métrique / metric':<{width}}" + "".join(f"{s:>16}" for s in splits)]
    for metric in Metrics.names():
        cells = []
        for s in splits:
            check = checks.get((s, metric))
            mark = "" if not check else (" ✓" if check.ok else " ✗")
            cells.append(f"{fmt(getattr(main.metrics[s], metric), metric) + mark:>16}")
        lines.append(f"{METRIC_LABELS[metric]:<{width}}" + "".join(cells))
    if len(evaluation.runs) > 1:
        columns = ("recall_at_1", "recall_at_5", "recall_at_10", "recall_at_5_strict", "mrr", "ndcg_at_10",
                   "refusal_accuracy", "latency_p50", "latency_p95")
        heads = ("R@1", "R@5", "R@10", "R@5s", "MRR", "nDCG", "refus", "p50", "p95")
        for s in splits:
            lines += ["", f"baselines — {s}", f"{'configuration':<16}" + "".join(f"{h:>8}" for h in heads)]
            for r in evaluation.runs:
                if r.error:
                    lines.append(f"{r.name:<16}  échec : {r.error}")
                    continue
                lines.append(f"{r.name:<16}" + "".join(f"{fmt(getattr(r.metrics[s], c), c):>8}" for c in columns))
    if evaluation.checks:
        lines.append("")
        lines += [("✗ " if not c.ok else "✓ ") + c.describe() for c in evaluation.checks]
    return "\n".join(lines)
