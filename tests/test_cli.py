"""The command line: version, help on every command, exit codes on bad input."""

import pytest
from typer.testing import CliRunner

from nextsteps import __version__
from nextsteps.cli import app

runner = CliRunner()


def test_version_is_printed():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and __version__ in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["data"],
        ["data", "check"],
        ["data", "build"],
        ["interpret"],
        ["train"],
        ["evaluate"],
        ["dates"],
    ],
)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout


def test_data_check_accepts_the_shipped_corpus():
    from conftest import CORPUS

    result = runner.invoke(app, ["data", "check", str(CORPUS)])
    assert result.exit_code == 0 and "ok" in result.stdout


def test_data_check_fails_and_names_the_line_of_a_bad_label(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(
        '{"id": "1", "text": "hi", "label": "nope", "sent_at": "2025-01-01T00:00:00+00:00", '
        '"channel": "email", "group": "g", "split": "train"}\n',
        "utf-8",
    )
    result = runner.invoke(app, ["data", "check", str(path)])
    assert result.exit_code == 1 and f"{path}:1: label: unknown label 'nope'" in result.stderr
