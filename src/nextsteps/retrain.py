"""Retrain on the user's own examples, and put the new model to use only if it is no worse.

The user's examples join the shipped corpus. A fixed share of them, chosen by a hash of the
normalised text (so a given example is always on the same side, and adding examples never moves
an old one), is held out with the shipped test split. The new model and the model in use are
scored on that same held-out set; the new one becomes active only if its macro-F1 is at most
`MAX_DROP` below the current one's, unless forced. Either way it is kept as a new version, which
`nextsteps models use` can switch to later.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nextsteps.classifier import LinearModel, ModelConfig
from nextsteps.corpus import load_corpus
from nextsteps.evaluation import LABELS, Report
from nextsteps.training import DEFAULT_CONFIG, TrainResult, evaluate_model, train
from nextsteps.types import Example
from nextsteps.user_examples import UserExamples, read_user_examples, text_key

#: Percentage of the user's examples held out for the comparison (by hash of the text).
HOLD_OUT_PERCENT = 20
#: The largest fall in held-out macro-F1 (0-1 scale; 0.01 is one point) a new model may show
#: and still be activated without --force.
MAX_DROP = 0.01
USER_PREFIX = "user-"


class RetrainError(ValueError):
    """Nothing to train on: no usable example in the user's files."""


def is_held_out(example: Example) -> bool:
    """Whether a user example is kept for the comparison rather than for training."""
    return int(text_key(example.text), 16) % 100 < HOLD_OUT_PERCENT


def merge(base: Sequence[Example], user: Sequence[Example]) -> list[Example]:
    """The shipped corpus and the user's examples, each of the latter put in a split by hash.

    The user's examples are expected to be de-duplicated against `base` already
    (`read_user_examples(..., known=base)`).
    """
    mine = [dataclasses.replace(e, split="test" if is_held_out(e) else "train") for e in user]
    return [*base, *mine]


@dataclass(frozen=True)
class Comparison:
    """The model in use and the new one, scored on the same held-out examples."""

    current: Report
    new: Report
    current_yours: Report | None  # the user's held-out examples alone (None if there are none)
    new_yours: Report | None
    max_drop: float = MAX_DROP

    @property
    def change(self) -> float:
        """New minus current held-out macro-F1 (0-1 scale)."""
        return round(self.new.macro_f1 - self.current.macro_f1, 4)

    @property
    def acceptable(self) -> bool:
        return self.change >= -self.max_drop

    def table(self) -> str:
        """Per-label F1 of both models as a plain-text table."""
        yours = self.new_yours.n if self.new_yours else 0
        lines = [
            f"held-out: {self.new.n - yours} shipped test examples + {yours} of yours",
            f"{'label':<22}{'support':>8}{'current F1':>12}{'new F1':>9}{'change':>9}",
        ]
        for label in LABELS:
            support = self.new.per_label[label]["support"]
            old, new = self.current.per_label[label]["f1"], self.new.per_label[label]["f1"]
            lines.append(f"{label:<22}{support:>8}{old:>12.3f}{new:>9.3f}{new - old:>+9.3f}")
        for name in ("macro_f1", "accuracy"):
            old, new = getattr(self.current, name), getattr(self.new, name)
            lines.append(f"{name.replace('_', '-'):<30}{old:>12.3f}{new:>9.3f}{new - old:>+9.3f}")
        if self.current_yours and self.new_yours:
            n = self.new_yours.n
            right = [round(r.accuracy * n) for r in (self.current_yours, self.new_yours)]
            lines.append(f"your {n} held-out examples: current {right[0]} right, new {right[1]}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        def f1s(r: Report) -> dict[str, float]:
            return {label: v["f1"] for label, v in r.per_label.items()}

        out: dict[str, Any] = {
            "n": self.new.n,
            "max_drop": self.max_drop,
            "change": self.change,
            "current": {"macro_f1": self.current.macro_f1, "per_label_f1": f1s(self.current)},
            "new": {"macro_f1": self.new.macro_f1, "per_label_f1": f1s(self.new)},
        }
        if self.current_yours and self.new_yours:
            out["yours"] = {
                "n": self.new_yours.n,
                "current_accuracy": self.current_yours.accuracy,
                "new_accuracy": self.new_yours.accuracy,
            }
        return out


def compare(
    current: LinearModel,
    new: LinearModel,
    held_out: Sequence[Example],
    *,
    new_report: Report | None = None,
) -> Comparison:
    """Score both models on the same held-out examples, and on the user's share of them.

    `new_report`: the new model's report on `held_out`, when training already computed it.
    """
    yours = [e for e in held_out if e.id.startswith(USER_PREFIX)]
    return Comparison(
        current=evaluate_model(current, held_out, "current model"),
        new=new_report or evaluate_model(new, held_out, "new model"),
        current_yours=evaluate_model(current, yours, "current model") if yours else None,
        new_yours=evaluate_model(new, yours, "new model") if yours else None,
    )


def retrain(
    base: Sequence[Example],
    user: Sequence[Example],
    current: LinearModel,
    *,
    config: ModelConfig = DEFAULT_CONFIG,
    seed: int = 0,
) -> tuple[TrainResult, Comparison]:
    """Train on `base` plus the user's training share; compare with `current` on the rest."""
    examples = merge(base, user)
    result = train(examples, config=config, seed=seed)
    held_out = [e for e in examples if e.split == "test"]
    return result, compare(current, result.model, held_out, new_report=result.test)


@dataclass(frozen=True)
class Retrained:
    """What `retrain_files` did: the examples it read, the comparison, the version it saved."""

    user: UserExamples
    result: TrainResult
    comparison: Comparison
    version: str
    previous: str
    activated: bool

    def verdict(self) -> str:
        """One or two lines saying whether the new model is in use, and why."""
        points = self.comparison.change * 100
        if self.activated and self.comparison.acceptable:
            return f"{self.version} is now the active model (macro-F1 {points:+.1f} points)"
        if self.activated:
            return (
                f"{self.version} is now the active model although macro-F1 fell by "
                f"{-points:.1f} points (--force)"
            )
        return (
            f"not activated: held-out macro-F1 fell by {-points:.1f} points, more than "
            f"{self.comparison.max_drop * 100:g}; {self.previous} stays active.\n"
            f"The new model is kept as {self.version}: `nextsteps models use {self.version}` "
            f"to use it anyway, or retrain with --force."
        )


def retrain_files(
    add: Sequence[str | Path],
    data: Sequence[str | Path],
    *,
    strict: bool = False,
    force: bool = False,
    seed: int = 0,
    config: ModelConfig = DEFAULT_CONFIG,
    say: Callable[[str], None] = lambda _: None,
) -> Retrained:
    """Read and check the user's files, retrain, compare, and save (and maybe activate) a version.

    `say` receives the problems found in the user's files and progress lines as they happen.
    Raises `UserExamplesError` (strict), `CorpusError`, `RetrainError` or `ModelError`.
    """
    from nextsteps.model_registry import active_version, add_model, load_active

    base = [e for path in data for e in load_corpus(path)]
    user = read_user_examples(add, known=base, strict=strict)
    for problem in user.problems:
        say(str(problem))
    if user.problems:
        say(f"skipped {user.skipped_lines} row(s) with problems; the rest are used")
    if not user.examples:
        raise RetrainError(f"no usable examples in {', '.join(map(str, add))}")
    held = sum(is_held_out(e) for e in user.examples)
    previous = active_version()
    say(
        f"training on {len(base)} shipped examples and {len(user.examples) - held} of yours "
        f"({held} of yours held out for the comparison with {previous}); this takes a few minutes"
    )
    result, comparison = retrain(base, user.examples, load_active(), config=config, seed=seed)
    activate = comparison.acceptable or force
    card = {
        **result.card,
        "base_data": [str(p) for p in data],
        "user_examples": {
            "files": [str(Path(p).resolve()) for p in add],
            "n_train": len(user.examples) - held,
            "n_held_out": held,
            "n_skipped_rows": user.skipped_lines,
        },
        "comparison": {**comparison.to_dict(), "against": previous},
        "activated": activate,
    }
    version = add_model(result.model, card, activate=activate)
    return Retrained(user, result, comparison, version, previous, activate)
