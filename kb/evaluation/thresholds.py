"""Thresholds (eval/thresholds.toml): minimums and maximums per split. A threshold missed makes
`kb eval` exit 1, so `make test` fails; a malformed file exits 2 before anything runs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kb.errors import ThresholdsError
from kb.evaluation.metrics import Metrics
from kb.evaluation.questions import SPLITS


def load_thresholds(path: Path) -> dict[str, dict[str, tuple[str, float]]]:
    """{split: {metric: ("min"|"max", value)}} from a TOML file: `[test]` holds minimums for the test
    split, `[test.max]` its maximums; `[dev]` and `[all]` (the whole file) likewise."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ThresholdsError(f"Fichier de seuils illisible : {path} ({exc.strerror}).") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ThresholdsError(f"{path} : TOML invalide ({exc}).") from exc
    names = Metrics.names()
    out: dict[str, dict[str, tuple[str, float]]] = {}
    for split, table in data.items():
        if split not in (*SPLITS, "all") or not isinstance(table, dict):
            raise ThresholdsError(f"{path} : section [{split}] inconnue. Choisir parmi : {', '.join(SPLITS)}, all")
        rules = {}
        for key, value in table.items():
            entries = value.items() if key == "max" and isinstance(value, dict) else [(key, value)]
            for metric, bound in entries:
                if metric not in names:
                    raise ThresholdsError(f"{path} : [{split}] métrique inconnue « {metric} ». "
                                          f"Choisir parmi : {', '.join(names)}")
                if not isinstance(bound, int | float) or isinstance(bound, bool):
                    raise ThresholdsError(f"{path} : [{split}] {metric} doit être un nombre")
                rules[metric] = ("max" if key == "max" else "min", float(bound))
        out[split] = rules
    return out


@dataclass(frozen=True)
class Check:
    split: str
    metric: str
    kind: str  # min | max
    bound: float
    value: float | None

    @property
    def ok(self) -> bool:
        if self.value is None:
            return False
        return self.value >= self.bound - 1e-9 if self.kind == "min" else self.value <= self.bound + 1e-9

    def describe(self) -> str:
        op = "≥" if self.kind == "min" else "≤"
        value = "non mesuré" if self.value is None else f"{self.value:.3f}"
        return f"[{self.split}] {self.metric} = {value} (seuil {op} {self.bound:g})"


def check_thresholds(metrics: dict[str, Metrics], thresholds: dict[str, dict[str, tuple[str, float]]]) -> list[Check]:
    """Every threshold that applies to the splits measured; a metric that was not measured fails."""
    checks = []
    for split, m in metrics.items():
        for metric, (kind, bound) in thresholds.get(split, {}).items():
            checks.append(Check(split, metric, kind, bound, getattr(m, metric)))
    return checks
