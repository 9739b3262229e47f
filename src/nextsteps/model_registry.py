"""The user's models: numbered versions in their data folder, one of them active.

The folder is `platformdirs.user_data_dir("nextsteps")` (or `$NEXTSTEPS_HOME`):

    models/v1/, models/v2/, ...   model folders as `model_store` writes them, each with its card
    active.json                   {"version": "v2"}; missing means the shipped model

The shipped model is always there as version "shipped", however the folder is. Every write is
atomic: a model folder appears whole (`save_model` writes a temporary folder and renames it) and
the pointer is replaced in one rename after that, so a training that dies half-way leaves the
active model as it was. A version is only made active once its files match its card.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nextsteps.classifier import LinearModel
from nextsteps.model_store import (
    FILES,
    ModelError,
    load_model,
    save_model,
    sha256,
    shipped_model_dir,
)

ENV = "NEXTSTEPS_HOME"
SHIPPED = "shipped"
_VERSION = re.compile(r"^v(\d+)$")


def home() -> Path:
    """The user's nextsteps data folder (not created here)."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("nextsteps", appauthor=False))


def models_dir() -> Path:
    return home() / "models"


def default_examples_file() -> Path:
    """Where `nextsteps review` records the user's labels unless told otherwise."""
    return home() / "examples.jsonl"


@dataclass(frozen=True)
class ModelInfo:
    """One available model as `nextsteps models list` shows it."""

    version: str
    path: Path
    active: bool
    trained_at: str = ""
    data: str = ""
    macro_f1: float | None = None
    accuracy: float | None = None
    n_held_out: int | None = None
    problem: str = ""  # why it cannot be used, when it cannot

    def line(self) -> str:
        """One line of `nextsteps models list`; a star marks the active model."""
        when = self.trained_at[:16].replace("T", " ")
        f1 = ""
        if self.macro_f1 is not None:
            f1 = f"  macro-F1 {self.macro_f1:.3f} on {self.n_held_out} held out"
        trouble = f"  REFUSED: {self.problem}" if self.problem else ""
        mark = "*" if self.active else " "
        return f"{mark} {self.version:<8} {when:<16}  {self.data}{f1}{trouble}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "path": str(self.path),
            "active": self.active,
            "trained_at": self.trained_at,
            "data": self.data,
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
            "n_held_out": self.n_held_out,
            "problem": self.problem,
        }


def version_dir(version: str) -> Path:
    """The folder of a version; `ModelError` for a name that is not one."""
    if version == SHIPPED:
        return shipped_model_dir()
    if not _VERSION.match(version):
        raise ModelError(f"unknown model version {version!r}: expected {SHIPPED} or v1, v2, ...")
    return models_dir() / version


def _versions() -> list[str]:
    root = models_dir()
    if not root.is_dir():
        return []
    names = [p.name for p in root.iterdir() if p.is_dir() and _VERSION.match(p.name)]
    return sorted(names, key=lambda n: int(n[1:]))


def active_version() -> str:
    """The version in use: the pointer's, or "shipped" when there is none or it is unreadable."""
    try:
        version = json.loads((home() / "active.json").read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError, TypeError):
        return SHIPPED
    if version == SHIPPED or (isinstance(version, str) and version in _versions()):
        return version
    return SHIPPED


def active_model_dir() -> Path:
    """The folder of the model in use (the shipped one unless the user chose another)."""
    return version_dir(active_version())


def list_models() -> list[ModelInfo]:
    """The shipped model, then every version in the order they were made."""
    current = active_version()
    return [_info(v, current) for v in (SHIPPED, *_versions())]


def _info(version: str, current: str) -> ModelInfo:
    path = version_dir(version)
    try:
        card = json.loads((path / "card.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return ModelInfo(version, path, version == current, problem=f"no readable card: {exc}")
    metrics = card.get("metrics") or {}
    return ModelInfo(
        version=version,
        path=path,
        active=version == current,
        trained_at=str(card.get("trained_at", "")),
        data=_describe_data(card),
        macro_f1=metrics.get("macro_f1"),
        accuracy=metrics.get("accuracy"),
        n_held_out=metrics.get("n"),
        problem=_tampered(path, card),
    )


def _describe_data(card: dict[str, Any]) -> str:
    user = card.get("user_examples")
    base = f"{card.get('n_train', '?')} train"
    if not user:
        return f"{base} (shipped corpus)"
    files = ", ".join(Path(f).name for f in user.get("files", []))
    yours, held = user.get("n_train", 0), user.get("n_held_out", 0)
    return f"{base} incl. {yours} yours, {held} of yours held out ({files})"


def _tampered(path: Path, card: dict[str, Any]) -> str:
    """The first file whose sha256 differs from the card's, as a sentence ("" when all match)."""
    for name in FILES:
        file = path / name
        if not file.is_file():
            return f"{name} is missing"
        if sha256(file) != (card.get("files") or {}).get(name):
            return f"{name} does not match its card"
    return ""


def use(version: str) -> ModelInfo:
    """Make `version` the active model, after loading it; `ModelError` if it is refused."""
    path = version_dir(version)
    if version != SHIPPED and not path.is_dir():
        known = ", ".join((SHIPPED, *_versions()))
        raise ModelError(f"no model version {version!r}; available: {known}")
    load_model(path)  # refuses a folder whose files its card does not vouch for
    _write_pointer(version)
    return _info(version, version)


def add_model(model: LinearModel, card: dict[str, Any], *, activate: bool) -> str:
    """Save a trained model as the next version; make it active if asked. Returns the version.

    If saving fails part-way (an exception, Ctrl+C) nothing is left behind and the active
    model is the one it was.
    """
    root = models_dir()
    root.mkdir(parents=True, exist_ok=True)
    taken = [int(v[1:]) for v in _versions()]
    version = f"v{max(taken, default=0) + 1}"
    try:
        save_model(model, root / version, {**card, "version": version})
    except BaseException:
        for leftover in root.glob(f".{version}-*"):  # save_model's temporary folder
            shutil.rmtree(leftover, ignore_errors=True)
        raise
    if activate:
        _write_pointer(version)
    return version


def _write_pointer(version: str) -> None:
    folder = home()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".active-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": version}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / "active.json")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load_active() -> LinearModel:
    """The active model; the shipped one, with a warning, if the active folder is refused."""
    path = active_model_dir()
    try:
        return load_model(path).model
    except ModelError as exc:
        if path == shipped_model_dir():
            raise
        warnings.warn(f"{exc}; using the shipped model instead", stacklevel=2)
        return load_model(shipped_model_dir()).model
