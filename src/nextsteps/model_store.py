"""Save and load a model with the card that describes it.

A model is a folder: `weights.npz` (numpy arrays, loaded with allow_pickle=False), `model.json`
(vocabularies, labels, settings) and `card.json` (what it was trained on, how well it did, and the
sha256 of both files). Nothing in it is a pickle, so loading a model runs no code; the hashes
still guard against a file edited or swapped by hand, and a model is refused unless they match.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from nextsteps.classifier import LinearModel
from nextsteps.features import Featurizer, TfidfBlock

FORMAT = 1
FILES = ("weights.npz", "model.json")


class ModelError(RuntimeError):
    """A model folder is missing, damaged, tampered with, or of a format we cannot read."""


@dataclass(frozen=True)
class LoadedModel:
    model: LinearModel
    card: dict[str, Any]
    path: Path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shipped_model_dir() -> Path:
    """The model installed with the package."""
    return Path(str(resources.files("nextsteps").joinpath("resources/model")))


def save_model(model: LinearModel, out_dir: str | Path, card: dict[str, Any]) -> Path:
    """Write the model and its card atomically: a reader sees the old folder or the new one."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    f = model.featurizer
    arrays = {"coef": model.coef, "intercept": model.intercept}
    arrays |= {f"idf_{i}": b.idf_ for i, b in enumerate(f.blocks)}
    np.savez_compressed(tmp / "weights.npz", **arrays)
    spec = {
        "format": FORMAT,
        "labels": model.labels,
        "temperature": model.temperature,
        "block_weights": f.block_weights,
        "cue_weight": f.cue_weight,
        "date_weight": f.date_weight,
        "blocks": [b.state() for b in f.blocks],
    }
    (tmp / "model.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    card = {**card, "format": FORMAT, "files": {n: sha256(tmp / n) for n in FILES}}
    (tmp / "card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (tmp / "card.md").write_text(card_markdown(card), encoding="utf-8")
    tmp.chmod(0o755)  # mkdtemp makes it private; a model folder is meant to be read by all
    _replace_dir(tmp, out)
    return out


def _replace_dir(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}-old")
    if target.exists():
        os.replace(target, old)
    os.replace(new, target)
    if old.exists():
        for child in old.iterdir():
            child.unlink()
        old.rmdir()


def load_model(model_dir: str | Path | None = None) -> LoadedModel:
    """Load a model folder (default: the shipped one); refuse one its card does not vouch for."""
    path = Path(model_dir) if model_dir else shipped_model_dir()
    card = _verified_card(path)
    _warn_on_version_drift(card)
    try:
        spec = json.loads((path / "model.json").read_text("utf-8"))
        with np.load(path / "weights.npz", allow_pickle=False) as w:
            blocks = [TfidfBlock.from_state(s, w[f"idf_{i}"]) for i, s in enumerate(spec["blocks"])]
            featurizer = Featurizer(
                blocks, spec["block_weights"], spec["cue_weight"], spec["date_weight"]
            )
            model = LinearModel(
                featurizer, w["coef"], w["intercept"], spec["labels"], spec["temperature"]
            )
    except (ValueError, KeyError, TypeError, IndexError) as exc:  # vouched for, yet unreadable
        raise ModelError(f"{path}: the model files are damaged: {exc!r}") from exc
    return LoadedModel(model, card, path)


def _verified_card(path: Path) -> dict[str, Any]:
    """The folder's card, once its format is known and both files match their sha256."""
    card_path = path / "card.json"
    if not card_path.is_file():
        raise ModelError(f"{path}: no card.json; not a nextsteps model folder")
    try:
        card = json.loads(card_path.read_text("utf-8"))
        files = dict(card["files"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"{card_path}: not a readable model card: {exc!r}") from exc
    if card.get("format") != FORMAT:
        raise ModelError(
            f"{path}: model format {card.get('format')}; this nextsteps reads {FORMAT}"
        )
    for name in FILES:
        file = path / name
        if not file.is_file():
            raise ModelError(f"{path}: {name} is missing")
        if sha256(file) != files.get(name):
            raise ModelError(f"{file}: sha256 does not match its card; refusing to load it")
    return card


class ModelVersionWarning(UserWarning):
    """The model was trained with other library versions than the ones running now."""


def _warn_on_version_drift(card: dict[str, Any]) -> None:
    """Report, never ignore, a library version that differs from the card's.

    Scoring needs only numpy (a different major version may read the arrays differently); the
    scikit-learn that fitted the weights is reported too, since retraining would differ."""
    from importlib.metadata import PackageNotFoundError, version

    for name in ("numpy", "scikit-learn"):
        trained = card.get("versions", {}).get(name)
        try:
            running = version(name)
        except PackageNotFoundError:
            continue
        if trained and trained != running:
            warnings.warn(
                f"model trained with {name} {trained}, running {running}; "
                "`make train` rebuilds it with the libraries installed now",
                ModelVersionWarning,
                stacklevel=3,
            )


def card_markdown(card: dict[str, Any]) -> str:
    """A short human-readable model card."""
    m = card.get("metrics", {})
    rows = "\n".join(
        f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
        for label, v in m.get("per_label", {}).items()
    )
    versions = ", ".join(f"{k} {v}" for k, v in card.get("versions", {}).items())
    return f"""# nextsteps model card

- Trained: {card.get("trained_at", "?")}
- Labels: {", ".join(card.get("labels", []))}
- Training data: {card.get("n_train", "?")} examples, sha256 {card.get("data_sha256", "?")}
- Settings: {json.dumps(card.get("params", {}))}
- Library versions: {versions}

## Held-out test split ({m.get("n", "?")} examples never used for training or model choice)

Macro-F1 {m.get("macro_f1", float("nan")):.3f}, accuracy {m.get("accuracy", float("nan")):.3f},
expected calibration error {m.get("ece", float("nan")):.3f}.

| label | precision | recall | F1 | support |
|---|---|---|---|---|
{rows}

Loading checks the sha256 of `weights.npz` and `model.json` against this card and refuses any
mismatch. The files hold no pickle: loading runs no code.
"""
