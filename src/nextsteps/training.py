"""Train the classifier on a labelled corpus, calibrate it, and describe it in a model card.

Only the train split is used for fitting, cross-validation and calibration; the test split is
touched once, after everything is chosen, to report held-out metrics.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from nextsteps.classifier import LinearModel, ModelConfig, fit_linear, fit_temperature, softmax
from nextsteps.cleaning import newest_part
from nextsteps.corpus import load_corpus
from nextsteps.evaluation import LABELS, Report, keyword_baseline, majority_baseline, report
from nextsteps.features import MessageFields
from nextsteps.types import Example

#: The configuration chosen by grouped cross-validation on the train split
#: (docs/model-selection.md): word and character n-grams, subject and sender, with the cue and
#: date blocks at a light weight (at full weight they overfit), C = 30.
DEFAULT_CONFIG = ModelConfig(
    word=1.0, char=1.0, subject=0.5, sender=0.5, cues=0.1, dates=0.1, C=30.0
)


@dataclass(frozen=True)
class TrainResult:
    model: LinearModel
    card: dict[str, Any]
    test: Report | None


def message_fields(ex: Example) -> MessageFields:
    """What the classifier reads of a corpus example: the cleaned newest part and its envelope."""
    return MessageFields(
        body=newest_part(ex.text).body,
        subject=ex.subject,
        sender=ex.sender,
        sent_at=dt.datetime.fromisoformat(ex.sent_at),
    )


_WRITER = re.compile(r"(w\d+)-")


def writer_folds(groups: Sequence[str], n_folds: int) -> np.ndarray:
    """A fold number per example, each corpus writer (the `w3` of group `w3-017`) whole in one
    fold, folds balanced by size; examples of no writer (the user's own) go by group.

    Logits from these folds are those of a model that never saw the writer, which is what a new
    inbox is: the temperature fitted on them is better calibrated on unseen writers than one
    fitted on folds that share writers (docs/model.md, "Calibration for new writers"). With
    fewer writers than folds it falls back to `group_folds`.
    """
    writers = [m.group(1) if (m := _WRITER.match(g)) else g for g in groups]
    sizes = Counter(writers)
    if len(sizes) < n_folds:
        return group_folds(groups, n_folds)
    load = [0] * n_folds
    fold_of: dict[str, int] = {}
    for writer, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])):
        fold_of[writer] = k = load.index(min(load))
        load[k] += size
    return np.array([fold_of[w] for w in writers])


def group_folds(groups: Sequence[str], n_folds: int) -> np.ndarray:
    """A fold number per example, whole groups kept together (deterministic: by group hash)."""

    def bucket(g: str) -> int:
        return int(hashlib.sha256(f"fold:{g}".encode()).hexdigest()[:8], 16) % n_folds

    return np.array([bucket(g) for g in groups])


def out_of_fold_logits(
    fields: Sequence[MessageFields],
    labels: Sequence[str],
    groups: Sequence[str],
    config: ModelConfig,
    *,
    n_folds: int = 5,
    seed: int = 0,
    folds: np.ndarray | None = None,
) -> np.ndarray:
    """Logits (columns in LABELS order) of each example from a model that never saw its group
    (or its fold, when `folds` gives one per example)."""
    folds = group_folds(groups, n_folds) if folds is None else folds
    n_folds = int(folds.max()) + 1
    out = np.zeros((len(fields), len(LABELS)), dtype=np.float64)
    for k in range(n_folds):
        train_idx, held_idx = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        model = fit_linear(
            [fields[i] for i in train_idx], [labels[i] for i in train_idx], config, seed
        )
        cols = [LABELS.index(lab) for lab in model.labels]
        for i in held_idx:
            out[i, :] = -1e9
            out[i, cols] = model.logits(fields[i])
    return out


def train(
    examples: Sequence[Example], *, config: ModelConfig = DEFAULT_CONFIG, seed: int = 0
) -> TrainResult:
    """Fit on the train split, calibrate on out-of-fold logits, report on the test split."""
    train_set = [e for e in examples if e.split == "train"]
    test_set = [e for e in examples if e.split == "test"]
    fields = [message_fields(e) for e in train_set]
    labels = [str(e.label) for e in train_set]
    groups = [e.group for e in train_set]
    folds = writer_folds(groups, 5)
    oof = out_of_fold_logits(fields, labels, groups, config, seed=seed, folds=folds)
    y = np.array([LABELS.index(lab) for lab in labels])
    model = fit_linear(fields, labels, config, seed)
    model.temperature = fit_temperature(oof, y)
    cv = report(
        "cross-validation",
        labels,
        [LABELS[i] for i in oof.argmax(1)],
        softmax(oof / model.temperature),
    )
    test = evaluate_model(model, test_set) if test_set else None
    card = {
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "labels": model.labels,
        "n_train": len(train_set),
        "n_test": len(test_set),
        "data_sha256": corpus_hash(examples),
        "seed": seed,
        "params": asdict(config),
        "temperature": model.temperature,
        "cross_validation": {"macro_f1": cv.macro_f1, "accuracy": cv.accuracy, "ece": cv.ece},
        "metrics": test.to_dict() if test else {},
        "versions": library_versions(),
    }
    return TrainResult(model, card, test)


def evaluate_model(model: LinearModel, examples: Sequence[Example], name: str = "model") -> Report:
    """Held-out report of a model, probabilities re-ordered into LABELS order."""
    probs = model.predict_proba_many([message_fields(e) for e in examples])
    probs = probs[:, [model.labels.index(lab) for lab in LABELS]]
    return report(
        name, [str(e.label) for e in examples], [LABELS[i] for i in probs.argmax(1)], probs
    )


def baseline_reports(train_set: Sequence[Example], test_set: Sequence[Example]) -> list[Report]:
    """The majority label of the train split (when the file has one) and the keyword rules."""
    gold = [str(e.label) for e in test_set]
    keywords = keyword_baseline([newest_part(e.text).body for e in test_set])
    reports = [report("keyword rules", gold, keywords)]
    if train_set:  # a held-out-only file has no train split to take a majority from
        majority = majority_baseline([str(e.label) for e in train_set], len(test_set))
        reports.insert(0, report("majority label", gold, majority))
    return reports


def corpus_hash(examples: Sequence[Example]) -> str:
    digest = hashlib.sha256()
    for e in examples:
        digest.update(f"{e.id}\t{e.label}\t{e.split}\t{e.text}\n".encode())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    names = ("numpy", "scikit-learn", "scipy", "nextsteps")
    return {"python": platform.python_version(), **{n: version(n) for n in names}}


def train_from_files(
    data: Sequence[str | Path], out_dir: str | Path, *, seed: int = 0
) -> TrainResult:
    """Load corpora, train, and save the model with its card into `out_dir`."""
    from nextsteps.model_store import save_model

    examples = [e for path in data for e in load_corpus(path)]
    result = train(examples, seed=seed)
    save_model(result.model, out_dir, result.card)
    return result
