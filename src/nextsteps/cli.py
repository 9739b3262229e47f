"""The `nextsteps` command line: each command parses options, calls one library function, prints."""

from __future__ import annotations

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
    paths: Annotated[list[Path], typer.Argument(help="JSONL corpus files to validate.")],
    no_split: Annotated[
        bool, typer.Option("--no-split", help="Do not require a split field (user files).")
    ] = False,
) -> None:
    """Validate corpus files: every problem is printed as FILE:LINE: FIELD: MESSAGE."""
    from nextsteps.corpus import check_corpus, load_corpus

    failed = False
    for path in paths:
        problems = check_corpus(path, require_split=not no_split)
        for problem in problems:
            typer.echo(str(problem), err=True)
        failed |= bool(problems)
        if not problems:
            examples = load_corpus(path) if not no_split else []
            counts = Counter(str(e.label) for e in examples)
            typer.echo(
                f"{path}: ok, {sum(1 for _ in path.open(encoding='utf-8'))} records {dict(counts)}"
            )
    raise typer.Exit(1 if failed else 0)


@data_app.command("build")
def data_build(
    source_dir: Annotated[Path, typer.Argument(help="Folder of hand-written YAML sources.")],
    out: Annotated[Path, typer.Option(help="Where to write the JSONL corpus.")] = Path(
        "data/corpus.jsonl"
    ),
) -> None:
    """Build the JSONL corpus from YAML sources: ids, and splits assigned by group."""
    from nextsteps.corpus import CorpusError, write_corpus
    from nextsteps.sources import build_corpus

    try:
        examples = build_corpus(source_dir)
    except CorpusError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    write_corpus(examples, out)
    splits = Counter(e.split for e in examples)
    typer.echo(f"wrote {len(examples)} examples to {out} ({dict(splits)})")
