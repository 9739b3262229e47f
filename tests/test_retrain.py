"""Retraining on the user's examples: a handful of examples of a new phrasing teach it to the
model without costing held-out accuracy, and a model that scores worse is not put to use."""

import dataclasses
import datetime as dt
import time

import pytest
from typer.testing import CliRunner

from nextsteps import model_registry as registry
from nextsteps.classifier import ModelConfig
from nextsteps.cli import app
from nextsteps.corpus import write_corpus
from nextsteps.evaluation import LABELS, report
from nextsteps.retrain import MAX_DROP, Comparison, is_held_out, retrain_files
from nextsteps.training import train
from nextsteps.types import Category, Example
from nextsteps.user_examples import append_example

#: The shipped configuration with a smaller character block, and (below) an eighth of the
#: corpus' train split: the same pipeline as `nextsteps train --add`, in well under a minute.
CONFIG = ModelConfig(char_max_features=5000)

#: "DNP" (did not progress) is how this user's trade says rejection; the corpus never uses it.
DIALECT = [
    "Quick note from the desk: your profile came back DNP from the panel.",
    "Hi Sam, afraid it's a DNP on this one from the hiring committee.",
    "Outcome for req 4471: DNP. Thanks for your time.",
    "The panel marked you DNP for the foreman role.",
    "Heads up - DNP from the site manager after Tuesday's chat.",
    "Client feedback is in and it's a DNP, sorry mate.",
    "Your file is closed as DNP after the second stage.",
    "Result from the board: DNP this round.",
]
PROBE = "Panel result: DNP. Cheers for coming in."
SENT = dt.datetime(2025, 10, 14, 9, 0)


@pytest.fixture(scope="module")
def base(corpus):
    return [e for e in corpus if e.split == "train"][::8] + [
        e for e in corpus if e.split == "test"
    ][::2]


@pytest.fixture(scope="module")
def current(base):
    """The model the user has before teaching it: trained on the same base, without DNP."""
    return train(base, config=CONFIG)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(registry.ENV, str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def files(tmp_path, base):
    data, mine = tmp_path / "base.jsonl", tmp_path / "mine.csv"
    write_corpus(base, data)
    for text in DIALECT:
        append_example(mine, {"text": text, "label": "rejection", "sent_at": "2025-10-14"})
    return data, mine


def test_a_handful_of_examples_of_a_new_phrasing_flips_the_answer_within_the_bar(
    home, files, current
):
    from nextsteps.interpret import interpret

    data, mine = files
    registry.add_model(current.model, current.card, activate=True)  # v1: the model in use
    before = interpret(PROBE, SENT)

    started = time.perf_counter()
    done = retrain_files([mine], [data], config=CONFIG)
    seconds = time.perf_counter() - started
    after = interpret(PROBE, SENT)  # the default model is now the new active one

    print(f"\nretrained in {seconds:.1f}s; {PROBE!r}: {before.label} -> {after.label}")
    print(done.comparison.table())
    assert before.label != Category.REJECTION
    assert after.label == Category.REJECTION
    assert done.activated and done.version == "v2" and registry.active_version() == "v2"
    assert done.comparison.change >= -MAX_DROP  # held-out macro-F1 within a point
    held = sum(map(is_held_out, done.user.examples))
    assert 0 < held < len(DIALECT)
    # The user's held-out DNP messages (never trained on) are scored, and not read worse.
    mine_now, mine_before = done.comparison.new_yours, done.comparison.current_yours
    assert mine_now.n == held and mine_now.accuracy >= mine_before.accuracy
    card = registry.list_models()[-1]
    assert card.version == "v2" and card.active
    assert f"{len(DIALECT) - held} yours, {held} of yours held out (mine.csv)" in card.data


def fake_comparison(drop: float) -> Comparison:
    """The current model right on everything, the new one `drop` lower on macro-F1."""
    current = report("current", LABELS, LABELS)
    new = dataclasses.replace(current, name="new", macro_f1=round(1.0 - drop, 4))
    return Comparison(current, new, None, None)


@pytest.mark.parametrize(("drop", "ok"), [(0.0, True), (0.01, True), (0.0101, False), (0.1, False)])
def test_a_fall_in_macro_f1_of_more_than_a_point_is_not_acceptable(drop, ok):
    comparison = fake_comparison(drop)
    assert comparison.acceptable is ok, comparison.table()


@pytest.fixture
def worse(monkeypatch, current):
    """Training that yields a model ten points worse on the held-out data."""
    monkeypatch.setattr(
        "nextsteps.retrain.retrain", lambda *a, **k: (current, fake_comparison(0.1))
    )


def test_a_worse_model_is_kept_but_not_activated(home, files, current, worse):
    data, mine = files
    registry.add_model(current.model, current.card, activate=True)

    done = retrain_files([mine], [data])

    assert not done.activated and done.version == "v2"
    assert registry.active_version() == "v1"
    assert "not activated: held-out macro-F1 fell by" in done.verdict()
    assert "nextsteps models use v2" in done.verdict()


def test_force_activates_a_worse_model(home, files, current, worse):
    data, mine = files

    done = retrain_files([mine], [data], force=True)

    assert done.activated and registry.active_version() == done.version
    assert "--force" in done.verdict()


def test_train_add_prints_the_per_label_comparison_and_exits_1_when_not_activated(
    home, files, worse
):
    data, mine = files

    result = CliRunner().invoke(app, ["train", "--add", str(mine), "--data", str(data)])

    assert result.exit_code == 1, result.output
    for label in LABELS:
        assert label in result.stdout
    assert "macro-f1" in result.stdout and "not activated" in result.stdout
    assert registry.active_version() == "shipped"
    assert "training on" in result.stderr


def test_train_add_and_out_together_are_refused(files):
    result = CliRunner().invoke(app, ["train", "--add", str(files[1]), "--out", "x"])

    assert result.exit_code == 2 and "--out is for training the shipped model" in result.stderr


def test_the_held_out_share_is_about_a_fifth_and_fixed_by_the_text():
    examples = [
        Example(id=str(i), text=f"message number {i}", label=Category.VAGUE, sent_at="")
        for i in range(2000)
    ]
    held = [is_held_out(e) for e in examples]
    moved = [is_held_out(dataclasses.replace(e, id="other", label="offer")) for e in examples]

    assert 0.17 < sum(held) / len(held) < 0.23
    assert held == moved  # the text alone decides, so adding examples never moves an old one
