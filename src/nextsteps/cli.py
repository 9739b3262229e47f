"""The `nextsteps` command line: each command parses options, calls one library function, prints."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from nextsteps import __version__

app = typer.Typer(
    help="Read what a recruiter really meant, and what to do next.", no_args_is_help=True
)
data_app = typer.Typer(help="Build and validate labelled corpora.", no_args_is_help=True)
app.add_typer(data_app, name="data")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nextsteps {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """nextsteps: interpret recruiter messages, classify inboxes, retrain on your own examples."""


@data_app.command("check")
def data_check(
    paths: Annotated[list[Path], typer.Argument(help="Corpus files (JSONL) to validate.")],
    user: Annotated[
        bool, typer.Option("--user", help="Files of your own examples (CSV/JSONL, text+label).")
    ] = False,
) -> None:
    """Validate corpus files: every problem is printed as FILE:LINE: FIELD: MESSAGE."""
    from nextsteps.corpus import check_file

    checks = [check_file(path, user=user) for path in paths]
    for check in checks:
        for problem in check.problems:
            typer.echo(str(problem), err=True)
        if check.ok:
            typer.echo(f"{check.path}: ok, {sum(check.counts.values())} records {check.counts}")
    raise typer.Exit(0 if all(c.ok for c in checks) else 1)


@data_app.command("stats")
def data_stats(
    path: Annotated[Path, typer.Argument(help="A JSONL corpus.")] = Path("data/corpus.jsonl"),
) -> None:
    """Print counts per label, channel and form by split, as Markdown tables."""
    from nextsteps.corpus import CorpusError, load_corpus, stats_markdown

    try:
        typer.echo(stats_markdown(load_corpus(path)))
    except (OSError, CorpusError) as exc:
        raise _fail(str(exc)) from exc


@data_app.command("build")
def data_build(
    source_dir: Annotated[Path, typer.Argument(help="Folder of hand-written YAML sources.")],
    out: Annotated[Path, typer.Option(help="Where to write the JSONL corpus.")] = Path(
        "data/corpus.jsonl"
    ),
    split: Annotated[
        str | None, typer.Option(help="Put every record in this split (a held-out set: test).")
    ] = None,
) -> None:
    """Build the JSONL corpus from YAML sources: ids, and splits assigned by group."""
    from nextsteps.corpus import CorpusError, write_corpus
    from nextsteps.sources import build_corpus

    try:
        examples = build_corpus(source_dir, split=split)
    except CorpusError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    write_corpus(examples, out)
    splits = Counter(e.split for e in examples)
    typer.echo(f"wrote {len(examples)} examples to {out} ({dict(splits)})")


# Options shared by `batch` and `review` (which must re-read an export as batch read it).
FormatOption = Annotated[
    str | None, typer.Option("--format", help="Input format, if not from the path.")
]
TextColumn = Annotated[str, typer.Option(help="CSV/JSONL column of the text.")]
IdColumn = Annotated[str, typer.Option(help="CSV/JSONL column of the id.")]
SubjectColumn = Annotated[str, typer.Option(help="Column of the subject.")]
SenderColumn = Annotated[str, typer.Option(help="Column of the sender.")]
SentAtColumn = Annotated[str, typer.Option(help="Column of the sent date.")]


def _columns(id_: str, text: str, subject: str, sender: str, sent_at: str):
    """The column mapping, or None for the defaults (then Outlook's CSV export is detected)."""
    from nextsteps.inbox import Columns

    columns = Columns(id_, text, subject, sender, sent_at)
    return None if columns == Columns() else columns


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _parse_datetime(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} {value!r} is not an ISO 8601 date or datetime") from None


@app.command()
def interpret(
    source: Annotated[
        str | None, typer.Argument(help="The message text, a .eml/.txt file, or - for stdin.")
    ] = None,
    sent_at: Annotated[str | None, typer.Option(help="When it was sent (ISO 8601).")] = None,
    today: Annotated[str | None, typer.Option(help="Resolve dates against this day.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code for holidays.")] = None,
    subject: Annotated[str | None, typer.Option(help="The subject line.")] = None,
    sender: Annotated[
        str | None, typer.Option(help="The sender, e.g. 'Ann <ann@acme.com>'.")
    ] = None,
    model_dir: Annotated[Path | None, typer.Option("--model", help="A model folder.")] = None,
    recommendations: Annotated[
        Path | None, typer.Option(help="Your own recommendation table (CSV).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Interpret one message: category, evidence, dates, what to do next and a draft reply."""
    from nextsteps import render
    from nextsteps.interpret import interpret as run
    from nextsteps.interpret import read_input
    from nextsteps.model_store import ModelError, load_model
    from nextsteps.recommend import load_table

    when = _parse_datetime(sent_at, "--sent-at")
    day = _parse_datetime(today, "--today")
    try:
        text = sys.stdin.read() if source in (None, "-") else read_input(source)
        model = load_model(model_dir).model if model_dir else None
        rules = load_table(recommendations) if recommendations else None
        result = run(text, when, subject=subject, sender=sender, today=day.date() if day else None,
                     country=country, model=model, rules=rules)  # fmt: skip
    except (OSError, ValueError, ModelError) as exc:  # bad input of any kind: one line, exit 2
        raise _fail(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        render.interpretation(result)


@app.command()
def train(
    data: Annotated[list[Path], typer.Option(help="Labelled corpus files (JSONL).")] = [  # noqa: B006
        Path("data/corpus.jsonl")
    ],
    out: Annotated[
        Path | None, typer.Option(help="Model folder to write (default: models/shipped).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    add: Annotated[
        list[Path] | None,
        typer.Option(
            "--add", help="Your labelled examples, CSV or JSONL (repeat for several files)."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="With --add: stop at the first problem in your examples.")
    ] = False,
    force: Annotated[
        bool, typer.Option(help="With --add: activate the new model even if it scores worse.")
    ] = False,
) -> None:
    """Train the classifier on the train split, calibrate it, and write it with its model card.

    With --add, your examples join the corpus; the new model is compared with the one in use on
    the same held-out data, saved as a new version of your models, and activated unless it is
    more than a point of macro-F1 worse (exit code 1 when it is not activated)."""
    from nextsteps.corpus import CorpusError
    from nextsteps.training import train_from_files

    if add:
        if out is not None:
            raise _fail("--out is for training the shipped model; --add saves into your models")
        _retrain(add, data, strict=strict, force=force, seed=seed)
        return
    out = out or Path("models/shipped")
    try:
        result = train_from_files(data, out, seed=seed)
    except (OSError, CorpusError) as exc:
        raise _fail(str(exc)) from exc
    m = result.card["metrics"]
    typer.echo(f"wrote {out}: test macro-F1 {m.get('macro_f1')}, accuracy {m.get('accuracy')}")


def _retrain(add: list[Path], data: list[Path], *, strict: bool, force: bool, seed: int) -> None:
    from nextsteps.corpus import CorpusError
    from nextsteps.model_store import ModelError
    from nextsteps.retrain import RetrainError, retrain_files
    from nextsteps.user_examples import UserExamplesError

    try:
        done = retrain_files(
            add, data, strict=strict, force=force, seed=seed, say=lambda s: typer.echo(s, err=True)
        )
    except UserExamplesError as exc:
        raise _fail(f"{exc} (--strict: stopped at the first problem)", 1) from exc
    except (OSError, CorpusError, RetrainError, ModelError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(done.comparison.table())
    typer.echo(done.verdict())
    raise typer.Exit(0 if done.activated else 1)


@app.command()
def evaluate(
    model_dir: Annotated[Path | None, typer.Option("--model", help="A model folder.")] = None,
    data: Annotated[Path, typer.Option(help="Corpus whose test split is scored.")] = Path(
        "data/corpus.jsonl"
    ),
    out: Annotated[Path, typer.Option(help="Folder for report.json and the PNGs.")] = Path(
        "reports"
    ),
) -> None:
    """Score a model on the test split beside two baselines; write JSON and PNG reports."""
    from nextsteps import render
    from nextsteps.corpus import CorpusError
    from nextsteps.model_store import ModelError
    from nextsteps.reports import evaluate_files

    try:
        reports = evaluate_files(model_dir, data, out)
    except (OSError, CorpusError, ModelError) as exc:
        raise _fail(str(exc)) from exc
    render.evaluation(reports)
    typer.echo(f"wrote {out}/report.json, confusion.png, reliability.png")


@app.command()
def dates(
    text: Annotated[str, typer.Argument(help="The text to search for dates.")],
    sent_at: Annotated[str, typer.Option(help="When it was sent (ISO 8601).")],
    country: Annotated[str | None, typer.Option(help="ISO country code for holidays.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Find and resolve the dates in a text against its sent datetime."""
    from nextsteps import render
    from nextsteps.dates import find_dates, key_date

    when = _parse_datetime(sent_at, "--sent-at")
    try:
        mentions = find_dates(text, when, country=country)
    except ValueError as exc:  # an unknown country code
        raise _fail(str(exc)) from exc
    key = key_date(text, when, mentions=mentions, country=country)
    if as_json:
        payload = {
            "dates": [m.to_dict() for m in mentions],
            "key_date": key.to_dict() if key else None,
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        render.dates(mentions, key)


@app.command()
def batch(
    paths: Annotated[
        list[Path],
        typer.Argument(exists=True, help="Exports: mbox, Maildir, .eml folder, .emlx, .msg, CSV."),
    ],
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Table: .csv, .jsonl, .parquet, .xlsx.")
    ] = None,
    summary: Annotated[
        bool, typer.Option(help="Print one line per application (rows only with -o).")
    ] = False,
    ics: Annotated[Path | None, typer.Option(help="Write follow-up reminders (.ics).")] = None,
    today: Annotated[str | None, typer.Option(help="What counts as today (ISO date).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code for holidays.")] = None,
    input_format: FormatOption = None,
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    subject_column: SubjectColumn = "subject",
    sender_column: SenderColumn = "sender",
    sent_at_column: SentAtColumn = "sent_at",
    jobs: Annotated[int, typer.Option(min=1, help="Processes on this machine.")] = 1,
    engine: Annotated[str, typer.Option(help="local, or dask for a cluster.")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address.")] = None,
    model_dir: Annotated[Path | None, typer.Option("--model", help="A model folder.")] = None,
) -> None:
    """Classify a whole inbox export into a table, one row per message; --summary for the list
    of applications and what is overdue today."""
    from nextsteps.batch import run_batch, terminal_progress
    from nextsteps.model_store import ModelError, load_model

    day = _parse_datetime(today, "--today")
    columns = _columns(id_column, text_column, subject_column, sender_column, sent_at_column)
    try:
        model = load_model(model_dir).model if model_dir else None
        with terminal_progress() as progress:
            report = run_batch(
                paths, out, today=day.date() if day else dt.date.today(),
                write_rows=out is not None or not summary, ics=ics, progress=progress,
                model=model, country=country, format=input_format, columns=columns,
                jobs=jobs, engine=engine, scheduler=scheduler,
            )  # fmt: skip
    except (OSError, ValueError, ModelError) as exc:
        raise _fail(str(exc)) from exc
    for application in report.applications if summary else []:
        typer.echo(application.line())
    typer.echo(f"{report.messages} messages, {report.errors} unreadable", err=True)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; anything but 127.0.0.1 shares it.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    model_dir: Annotated[Path | None, typer.Option("--model", help="A model folder.")] = None,
    recommendations: Annotated[
        Path | None, typer.Option(help="Your own recommendation table (CSV).")
    ] = None,
) -> None:
    """Start the local web page and JSON API (docs/web.md); Ctrl+C stops it."""
    from nextsteps.model_store import ModelError, load_model
    from nextsteps.recommend import RecommendationTableError, load_table
    from nextsteps.web import serve as run

    try:
        model = load_model(model_dir).model if model_dir else None
        rules = load_table(recommendations) if recommendations else None
    except (OSError, ModelError, RecommendationTableError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"nextsteps: open http://{host}:{port}/ in your browser", err=True)
    run(host, port, model=model, rules=rules)


# --- your models, and the review loop ---------------------------------------------------------

models_app = typer.Typer(help="Your retrained models: list them, switch between them.")
app.add_typer(models_app, name="models")


@models_app.command("list")
def models_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every model (the shipped one first) with its date, data and held-out metrics."""
    from nextsteps.model_registry import home, list_models

    infos = list_models()
    if as_json:
        typer.echo(json.dumps([i.to_dict() for i in infos], indent=2, ensure_ascii=False))
        return
    typer.echo(f"models in {home()} (* active)")
    for info in infos:
        typer.echo(info.line())


@models_app.command("use")
def models_use(
    version: Annotated[str, typer.Argument(help="A version from `models list`, or shipped.")],
) -> None:
    """Make a model the active one; a model whose files do not match its card is refused."""
    from nextsteps.model_registry import use
    from nextsteps.model_store import ModelError

    try:
        info = use(version)
    except ModelError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{info.version} is now the active model ({info.path})")


@app.command()
def review(
    table: Annotated[Path, typer.Argument(exists=True, help="A table written by `batch -o`.")],
    examples: Annotated[
        Path | None, typer.Option(help="Your examples file, CSV or JSONL (default: data folder).")
    ] = None,
    ids: Annotated[
        list[str] | None, typer.Option("--id", help="Also review this row id (repeatable).")
    ] = None,
    labels: Annotated[
        list[str] | None, typer.Option("--label", help="Also review rows guessed as this label.")
    ] = None,
    everything: Annotated[bool, typer.Option("--all", help="Review every row.")] = False,
    input_format: FormatOption = None,
    text_column: TextColumn = "text",
    id_column: IdColumn = "id",
    subject_column: SubjectColumn = "subject",
    sender_column: SenderColumn = "sender",
    sent_at_column: SentAtColumn = "sent_at",
) -> None:
    """Label the rows a batch marked needs_review, one by one, into your examples file.

    Each answer is written at once; then `nextsteps train --add FILE` learns from them."""
    import click

    from nextsteps.model_registry import default_examples_file
    from nextsteps.review import ReviewError
    from nextsteps.review import review as run

    def ask(prompt: str) -> str:
        try:
            return typer.prompt(prompt, default="", show_default=False)
        except (typer.Abort, click.exceptions.Abort):  # Ctrl+C, Ctrl+D, end of input: stop
            return "q"

    path = examples or default_examples_file()
    try:
        done = run(
            table,
            path,
            ask=ask,
            show=typer.echo,
            ids=ids or (),
            labels=labels or (),
            everything=everything,
            format=input_format,
            columns=_columns(id_column, text_column, subject_column, sender_column, sent_at_column),
        )
    except (OSError, ReviewError) as exc:
        raise _fail(str(exc)) from exc
    for problem in done.unreadable:
        typer.echo(f"could not show {problem}", err=True)
    typer.echo(done.line())
    if done.n_recorded:
        typer.echo(f"next: nextsteps train --add {path}")
