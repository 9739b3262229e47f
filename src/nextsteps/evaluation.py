"""Held-out metrics: per-label precision/recall/F1, confusion matrix, calibration, baselines."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nextsteps.types import Category

LABELS: list[str] = [str(c) for c in Category]


@dataclass(frozen=True)
class Report:
    """Metrics of one classifier on one labelled set."""

    name: str
    n: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, dict[str, float]]
    confusion: list[list[int]]  # rows: true label, columns: predicted, in LABELS order
    ece: float | None = None
    reliability: list[dict[str, float]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "n": self.n,
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "ece": self.ece,
            "per_label": self.per_label,
            "labels": LABELS,
            "confusion": self.confusion,
            "reliability": self.reliability,
        }


def report(
    name: str, y_true: Sequence[str], y_pred: Sequence[str], probs: np.ndarray | None = None
) -> Report:
    """Metrics of predictions against gold labels; calibration too when probabilities are given
    (columns in LABELS order)."""
    idx = {label: i for i, label in enumerate(LABELS)}
    confusion = np.zeros((len(LABELS), len(LABELS)), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        confusion[idx[t], idx[p]] += 1
    per_label = {}
    for i, label in enumerate(LABELS):
        tp, predicted, actual = confusion[i, i], confusion[:, i].sum(), confusion[i].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {
            "precision": round(float(precision), 4),
            "recall": round(float(recall), 4),
            "f1": round(float(f1), 4),
            "support": int(actual),
        }
    present = [v["f1"] for v in per_label.values() if v["support"]]
    ece, bins = calibration(y_true, probs) if probs is not None else (None, None)
    return Report(
        name=name,
        n=len(y_true),
        accuracy=round(float(np.trace(confusion) / max(len(y_true), 1)), 4),
        macro_f1=round(float(np.mean(present)) if present else 0.0, 4),
        per_label=per_label,
        confusion=confusion.tolist(),
        ece=ece,
        reliability=bins,
    )


def calibration(
    y_true: Sequence[str], probs: np.ndarray, n_bins: int = 10
) -> tuple[float, list[dict[str, float]]]:
    """Expected calibration error of the top probability, and the reliability-diagram bins."""
    idx = {label: i for i, label in enumerate(LABELS)}
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.array([idx[t] for t in y_true])
    edges = np.linspace(0, 1, n_bins + 1)
    ece, bins = 0.0, []
    for lo, hi in itertools.pairwise(edges):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            gap = abs(conf[mask].mean() - correct[mask].mean())
            ece += mask.mean() * gap
            bins.append(
                {
                    "low": float(lo),
                    "high": float(hi),
                    "n": int(mask.sum()),
                    "confidence": round(float(conf[mask].mean()), 4),
                    "accuracy": round(float(correct[mask].mean()), 4),
                }
            )
    return round(float(ece), 4), bins


def majority_baseline(train_labels: Sequence[str], n: int) -> list[str]:
    """Predict the most frequent training label for every message."""
    return [Counter(train_labels).most_common(1)[0][0]] * n


# The ordered keyword rules of the kind existing job-email trackers use: first rule that matches
# wins. Kept deliberately simple: it is the bar a learned model must clear, not a feature.
KEYWORD_RULES: list[tuple[str, str]] = [
    ("unrelated", r"unsubscribe|job alert|newsletter|jobs? (for|near) you|viewed your profile"),
    ("offer", r"\boffer\b|congratulations"),
    ("rejection", r"unfortunately|regret|not (be )?moving forward|other candidates|not successful"),
    ("immediate_next_steps", r"interview|availability|assessment|schedule|references?"),
    ("no_next_steps", r"on hold|hiring freeze|paused|no update"),
    ("clear_timeline", r"\bby (monday|tuesday|wednesday|thursday|friday|end of)|within \d+"),
    ("vague", r"in touch|get back to you|soon|under review|received your application"),
]


def keyword_baseline(texts: Sequence[str]) -> list[str]:
    rules = [(label, re.compile(p, re.IGNORECASE)) for label, p in KEYWORD_RULES]
    return [next((lab for lab, rx in rules if rx.search(t)), "unrelated") for t in texts]
