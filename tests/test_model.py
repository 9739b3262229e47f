"""The classifier: numpy scoring equals scikit-learn's, models refuse tampering, the shipped model
clears its bars on held-out data."""

import json

import numpy as np
import pytest

from nextsteps.classifier import ModelConfig, fit_linear
from nextsteps.evaluation import LABELS
from nextsteps.model_store import ModelError, load_model, save_model
from nextsteps.training import evaluate_model, message_fields


@pytest.fixture(scope="module")
def small(corpus):
    train = [e for e in corpus if e.split == "train"][::6]
    fields = [message_fields(e) for e in train]
    return train, fields


@pytest.fixture(scope="module")
def tiny_model(small):
    train, fields = small
    return fit_linear(fields, [str(e.label) for e in train], ModelConfig(cues=1.0))


def test_numpy_scoring_equals_scikit_learn_on_the_same_features(small, tiny_model):
    from sklearn.linear_model import LogisticRegression

    train, fields = small
    X = tiny_model.featurizer.matrix(fields)
    clf = LogisticRegression(C=ModelConfig().C, max_iter=3000, random_state=0).fit(
        X, [str(e.label) for e in train]
    )
    ours = tiny_model.predict_proba_many(fields[:50])
    theirs = clf.predict_proba(X[:50])
    assert list(clf.classes_) == tiny_model.labels
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


def test_saved_model_loads_and_predicts_the_same(tmp_path, small, tiny_model):
    _, fields = small
    save_model(tiny_model, tmp_path / "m", {"labels": tiny_model.labels})
    loaded = load_model(tmp_path / "m").model
    np.testing.assert_allclose(
        loaded.predict_proba(fields[0]), tiny_model.predict_proba(fields[0]), atol=1e-6
    )


def test_a_tampered_model_file_is_refused(tmp_path, tiny_model):
    save_model(tiny_model, tmp_path / "m", {})
    spec_path = tmp_path / "m" / "model.json"
    spec = json.loads(spec_path.read_text())
    spec["temperature"] = 0.01
    spec_path.write_text(json.dumps(spec))
    with pytest.raises(ModelError, match="sha256 does not match"):
        load_model(tmp_path / "m")


def test_a_folder_without_a_card_is_refused(tmp_path):
    with pytest.raises(ModelError, match=r"no card\.json"):
        load_model(tmp_path)


def test_saving_over_a_model_replaces_it_whole(tmp_path, tiny_model):
    save_model(tiny_model, tmp_path / "m", {"note": "first"})
    save_model(tiny_model, tmp_path / "m", {"note": "second"})
    assert json.loads((tmp_path / "m" / "card.json").read_text())["note"] == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_evidence_points_at_the_sentence_that_decided(tiny_model):
    from nextsteps.features import MessageFields

    body = "Thanks for your time on Tuesday. We have decided to move forward with other candidates. Best, Ann"
    msg = MessageFields(body)
    probs = tiny_model.predict_proba(msg)
    label = tiny_model.labels[int(probs.argmax())]
    assert label == "rejection"
    evidence = tiny_model.evidence(msg, "rejection", "vague")
    assert "other candidates" in evidence[0].text
    assert body[evidence[0].start : evidence[0].end] == evidence[0].text


@pytest.fixture(scope="module")
def shipped_report(corpus):
    model = load_model().model
    return evaluate_model(model, [e for e in corpus if e.split == "test"])


def test_shipped_model_clears_the_macro_f1_bar_on_held_out_data(shipped_report):
    assert shipped_report.macro_f1 >= 0.92, shipped_report.per_label


def test_shipped_model_clears_the_per_label_bar_on_held_out_data(shipped_report):
    weak = {lab: v["f1"] for lab, v in shipped_report.per_label.items() if v["f1"] < 0.85}
    assert weak == {}


def test_shipped_model_is_calibrated_on_held_out_data(shipped_report):
    assert shipped_report.ece <= 0.05


def test_shipped_model_card_vouches_for_its_files_and_reports_test_metrics():
    loaded = load_model()
    assert set(loaded.card["labels"]) == set(LABELS)
    assert loaded.card["metrics"]["n"] == loaded.card["n_test"] > 0


@pytest.mark.parametrize("card", ['{"format": 1}', "not json", '{"format": 1, "files": 3}'])
def test_a_damaged_card_is_refused_with_a_model_error(tmp_path, tiny_model, card):
    save_model(tiny_model, tmp_path / "m", {})
    (tmp_path / "m" / "card.json").write_text(card)
    with pytest.raises(ModelError):
        load_model(tmp_path / "m")


def test_a_model_trained_with_another_scikit_learn_is_reported(tmp_path, tiny_model):
    from nextsteps.model_store import ModelVersionWarning

    save_model(tiny_model, tmp_path / "m", {"versions": {"scikit-learn": "0.0.1"}})
    with pytest.warns(ModelVersionWarning, match="scikit-learn 0.0.1"):
        load_model(tmp_path / "m")


def test_training_is_deterministic(small):
    train, fields = small
    labels = [str(e.label) for e in train]
    first = fit_linear(fields[:200], labels[:200], ModelConfig(cues=0.1, dates=0.1))
    second = fit_linear(fields[:200], labels[:200], ModelConfig(cues=0.1, dates=0.1))
    np.testing.assert_array_equal(first.coef, second.coef)


def test_calibration_folds_keep_each_writer_whole_and_balance_the_folds():
    from collections import Counter

    from nextsteps.training import writer_folds

    groups = [f"w{w}-{i:03d}" for w in range(1, 9) for i in range(40 + 10 * w)]
    groups += ["mine.csv:1", "mine.csv:2"]  # the user's own examples belong to no writer
    folds = writer_folds(groups, 5)
    by_writer: dict[str, set[int]] = {}
    for g, k in zip(groups, folds, strict=True):
        by_writer.setdefault(g.split("-")[0], set()).add(int(k))
    assert all(len(ks) == 1 for w, ks in by_writer.items() if w.startswith("w"))
    sizes = Counter(folds.tolist())
    assert len(sizes) == 5 and max(sizes.values()) <= 2 * min(sizes.values())


def test_with_fewer_writers_than_folds_calibration_folds_go_by_group():
    from nextsteps.training import group_folds, writer_folds

    groups = [f"w1-{i:03d}" for i in range(50)] + [f"w2-{i:03d}" for i in range(50)]
    assert (writer_folds(groups, 5) == group_folds(groups, 5)).all()
