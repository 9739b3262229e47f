"""The user's models: versions in their data folder, the shipped model always there, switching
refuses a tampered folder, and a training that dies while saving changes nothing."""

import json

import pytest
from typer.testing import CliRunner

from nextsteps import model_registry as registry
from nextsteps.cli import app
from nextsteps.model_store import ModelError, load_model, shipped_model_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(registry.ENV, str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="module")
def shipped():
    return load_model(shipped_model_dir())


def add(shipped, *, activate=True, **card):
    """A new version: the shipped weights under a card of our own (no training needed)."""
    return registry.add_model(shipped.model, {**shipped.card, **card}, activate=activate)


def versions():
    return [(m.version, m.active) for m in registry.list_models()]


def test_a_fresh_home_has_only_the_shipped_model_and_it_is_active():
    assert versions() == [("shipped", True)]
    assert registry.active_model_dir() == shipped_model_dir()


def test_the_home_folder_comes_from_platformdirs_unless_overridden(monkeypatch):
    import platformdirs

    monkeypatch.delenv(registry.ENV)
    assert str(registry.home()) == platformdirs.user_data_dir("nextsteps", appauthor=False)


def test_a_new_version_is_numbered_saved_with_its_card_and_made_active(shipped, home):
    assert add(shipped, trained_at="2025-10-14T09:00:00+00:00") == "v1"
    assert add(shipped, activate=False) == "v2"

    assert versions() == [("shipped", False), ("v1", True), ("v2", False)]
    assert registry.active_model_dir() == home / "models" / "v1"
    assert json.loads((home / "models" / "v1" / "card.json").read_text())["version"] == "v1"


def test_models_list_shows_each_model_with_its_date_data_and_metrics(shipped):
    card = {
        "trained_at": "2025-10-14T09:00:00+00:00",
        "n_train": 3200,
        "user_examples": {"files": ["/x/mine.csv"], "n_train": 9, "n_held_out": 2},
        "metrics": {"macro_f1": 0.9512, "accuracy": 0.95, "n": 776},
    }
    add(shipped, **card)

    result = runner.invoke(app, ["models", "list"])

    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[1].startswith("  shipped")
    assert lines[2].startswith("* v1       2025-10-14 09:00")
    assert "3200 train incl. 9 yours, 2 of yours held out (mine.csv)" in lines[2]
    assert "macro-F1 0.951 on 776 held out" in lines[2]


def test_models_use_switches_and_interpret_follows_the_active_model(shipped):
    from nextsteps.interpret import default_model

    add(shipped, activate=False)
    before = default_model()

    result = runner.invoke(app, ["models", "use", "v1"])

    assert result.exit_code == 0 and "v1 is now the active model" in result.stdout
    assert registry.active_version() == "v1"
    after = default_model()
    assert after is not before  # reloaded from the newly active folder
    assert runner.invoke(app, ["models", "use", "shipped"]).exit_code == 0
    assert registry.active_model_dir() == shipped_model_dir()


def test_models_use_refuses_a_model_folder_with_a_tampered_file(shipped, home):
    add(shipped, activate=False)
    weights = home / "models" / "v1" / "weights.npz"
    weights.write_bytes(weights.read_bytes() + b"\0")

    result = runner.invoke(app, ["models", "use", "v1"])

    assert result.exit_code == 2
    assert "sha256 does not match its card; refusing to load it" in result.stderr
    assert registry.active_version() == "shipped"
    listing = runner.invoke(app, ["models", "list"]).stdout
    assert "REFUSED: weights.npz does not match its card" in listing


def test_a_tampered_active_model_falls_back_to_the_shipped_one_with_a_warning(shipped, home):
    from nextsteps.interpret import default_model, interpret

    add(shipped, activate=True)
    spec = home / "models" / "v1" / "model.json"
    spec.write_text(spec.read_text().replace('"labels"', '"labels" ', 1))

    with pytest.warns(UserWarning, match="using the shipped model instead"):
        model = default_model()

    assert model.labels == shipped.model.labels
    assert interpret("We went with another candidate.").label == "rejection"


def test_an_unknown_version_is_refused_and_the_available_ones_named():
    result = runner.invoke(app, ["models", "use", "v7"])

    assert result.exit_code == 2
    assert "no model version 'v7'; available: shipped" in result.stderr
    with pytest.raises(ModelError, match="expected shipped or v1"):
        registry.use("../../etc")


def test_a_training_interrupted_while_saving_leaves_the_active_model_as_it_was(
    shipped, home, monkeypatch
):
    add(shipped, activate=True)  # v1, the user's current model
    before = versions()

    def crash(card):  # the weights and card are written; the model card page is not
        raise KeyboardInterrupt

    monkeypatch.setattr("nextsteps.model_store.card_markdown", crash)
    with pytest.raises(KeyboardInterrupt):
        add(shipped, activate=True)

    assert versions() == before
    assert registry.active_version() == "v1"
    assert sorted(p.name for p in (home / "models").iterdir()) == ["v1"]  # no half-written v2
    load_model(registry.active_model_dir())  # still whole


def test_an_unreadable_pointer_means_the_shipped_model(home):
    home.mkdir(parents=True)
    (home / "active.json").write_text("{not json")

    assert registry.active_version() == "shipped"
