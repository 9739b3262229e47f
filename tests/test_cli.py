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


@pytest.mark.parametrize(
    "args",
    [
        ["dates", "by Friday", "--sent-at", "2025-03-03T09:00:00+00:00", "--country", "XX"],
        [
            "interpret",
            "within 5 business days",
            "--sent-at",
            "2025-03-03T09:00:00",
            "--country",
            "XX",
        ],
        ["data", "check", "no-such-file.jsonl"],
        ["interpret", "hello", "--model", "no-such-folder"],
    ],
)
def test_bad_input_gives_a_clean_error_not_a_traceback(args):
    result = runner.invoke(app, args)
    assert result.exit_code in (1, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output


def test_a_lowercase_country_code_is_accepted():
    result = runner.invoke(
        app,
        [
            "interpret",
            "You'll hear within 1 business day.",
            "--sent-at",
            "2025-11-26T09:00:00",
            "--country",
            "us",
            "--json",
        ],
    )
    assert result.exit_code == 0
    assert '"2025-11-28"' in result.stdout  # Thanksgiving skipped


def test_markup_in_a_sender_name_is_printed_not_interpreted():
    result = runner.invoke(
        app, ["interpret", "We went with another candidate.", "--sender", "[/b] <ann@acme.com>"]
    )
    assert result.exit_code == 0 and "[/b]" in result.stdout


def test_a_windows_1252_email_file_keeps_its_punctuation():
    from conftest import ROOT

    result = runner.invoke(
        app, ["interpret", str(ROOT / "tests" / "golden" / "gmail_hold.eml"), "--json"]
    )
    assert result.exit_code == 0 and "we’ve put" in result.stdout


def test_evaluate_scores_a_held_out_only_file_beside_the_keyword_baseline(tmp_path, corpus):
    import json

    from nextsteps.corpus import example_to_record

    held_out = [e for e in corpus if e.split == "test"][:40]
    path = tmp_path / "held_out.jsonl"
    path.write_text("".join(json.dumps(example_to_record(e)) + "\n" for e in held_out), "utf-8")
    result = runner.invoke(app, ["evaluate", "--data", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    names = [r["name"] for r in json.loads((tmp_path / "out" / "report.json").read_text())]
    assert names[1:] == ["keyword rules"] and (tmp_path / "out" / "confusion.png").is_file()
