"""`nextsteps evaluate`: score a model on a test split beside the baselines; write JSON and PNGs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from nextsteps.corpus import load_corpus
from nextsteps.evaluation import LABELS, Report
from nextsteps.model_store import load_model
from nextsteps.training import baseline_reports, evaluate_model


def evaluate_files(model_dir: Path | None, data: Path, out: Path) -> list[Report]:
    """The model's report first, then the majority and keyword baselines, all on the test split."""
    loaded = load_model(model_dir)
    examples = load_corpus(data)
    train_set = [e for e in examples if e.split == "train"]
    test_set = [e for e in examples if e.split == "test"]
    reports = [
        evaluate_model(loaded.model, test_set, name=f"nextsteps ({loaded.path.resolve().name})")
    ]
    reports += baseline_reports(train_set, test_set)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(
        json.dumps([r.to_dict() for r in reports], indent=2) + "\n", encoding="utf-8"
    )
    plot_confusion(reports[0], out / "confusion.png")
    plot_reliability(reports[0], out / "reliability.png")
    return reports


def plot_confusion(report: Report, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 6))
    ax.imshow(report.confusion, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), LABELS, rotation=45, ha="right")
    ax.set_yticks(range(len(LABELS)), LABELS)
    for i, row in enumerate(report.confusion):
        for j, count in enumerate(row):
            ax.text(j, i, str(count), ha="center", va="center", fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"{report.name}: confusion on {report.n} held-out messages")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_reliability(report: Report, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins: Sequence[dict] = report.reliability or []
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfect calibration")
    ax.plot(
        [b["confidence"] for b in bins], [b["accuracy"] for b in bins], marker="o", label="model"
    )
    for b in bins:  # few messages in a bin make its point noisy: say how few
        ax.annotate(
            f"n={b['n']}", (b["confidence"], b["accuracy"]), fontsize=7,
            textcoords="offset points", xytext=(4, -10),
        )  # fmt: skip
    ax.set_xlabel("confidence (top probability)")
    ax.set_ylabel("accuracy")
    ax.set_title(f"Reliability, ECE {report.ece:.3f}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
