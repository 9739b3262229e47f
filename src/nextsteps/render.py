"""Terminal views of results (rich). Only the CLI imports this module."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from nextsteps.evaluation import LABELS, Report
from nextsteps.interpret import Interpretation
from nextsteps.types import DateMention, KeyDate

_COLOURS = {
    "offer": "bold green",
    "immediate_next_steps": "bold cyan",
    "clear_timeline": "bold blue",
    "vague": "bold yellow",
    "no_next_steps": "bold magenta",
    "rejection": "bold red",
    "unrelated": "dim",
}


def interpretation(result: Interpretation, console: Console | None = None) -> None:
    console = console or Console()
    label = str(result.label)
    head = Text.assemble(
        (label.replace("_", " "), _COLOURS[label]),
        f"  {result.confidence:.1%} confident",
        ("  needs review" if result.needs_review else "", "bold red"),
        (f" (or {result.runner_up})" if result.needs_review else "", "dim"),
    )
    console.print(head)
    if result.sent_at_source == "today":
        console.print(Text("No sent date given: dates resolved against today.", style="dim"))
    console.print(Panel(_highlighted(result), title="what decided it", expand=False))
    for ev in result.evidence:
        line = _HARD_WRAP.sub(" ", ev.text)
        console.print(Text.assemble(("  + ", "bold"), (f"{ev.weight:+.2f}  ", "dim"), line))
    if result.dates:
        dates(result.dates, result.key_date, console)
    rec = result.recommendation
    if rec:
        console.print(Text.assemble(("Meaning: ", "bold"), rec.meaning))
        follow = f" (follow up on {rec.follow_up_on:%a %d %b %Y})" if rec.follow_up_on else ""
        console.print(Text.assemble(("Do: ", "bold"), rec.action, (follow, "bold")))
        if rec.draft:
            # Text(), not a str: a sender's name like "[/b]" must not be read as rich markup.
            console.print(Panel(Text(rec.draft), title=f"draft: {rec.draft_name}", expand=False))


# A newline after a long line is a mail client's hard wrap; shown as a space the paragraph reflows
# to the terminal. One character for one keeps the evidence offsets valid.
_HARD_WRAP = re.compile(r"(?<=[^\n]{60})\n(?=[^\n])")


def _highlighted(result: Interpretation) -> Text:
    text = Text(_HARD_WRAP.sub(" ", result.text))
    for ev in result.evidence:
        text.stylize("bold reverse", ev.start, ev.end)
    return text


def dates(
    mentions: Sequence[DateMention], key: KeyDate | None, console: Console | None = None
) -> None:
    console = console or Console()
    table = Table("expression", "kind", "resolves to", "mod")
    for m in mentions:
        value = (
            m.value if not isinstance(m.value, dict) else f"{m.value['start']} → {m.value['end']}"
        )
        table.add_row(Text(m.text), m.kind, str(value) if value else "—", m.mod or "")
    console.print(table)
    if key:
        console.print(Text.assemble(("Key date: ", "bold"), f"{key.value} ({key.kind})"))


def evaluation(reports: Sequence[Report], console: Console | None = None) -> None:
    console = console or Console()
    model = reports[0]
    table = Table(
        "label", "precision", "recall", "F1", "support", title=f"{model.name} on {model.n}"
    )
    for label, v in model.per_label.items():
        table.add_row(
            label,
            f"{v['precision']:.3f}",
            f"{v['recall']:.3f}",
            f"{v['f1']:.3f}",
            str(v["support"]),
        )
    console.print(table)
    summary = Table("classifier", "macro-F1", "accuracy", "ECE")
    for r in reports:
        summary.add_row(
            r.name,
            f"{r.macro_f1:.3f}",
            f"{r.accuracy:.3f}",
            "" if r.ece is None else f"{r.ece:.3f}",
        )
    console.print(summary)
    confusion = Table("true \\ predicted", *[lab[:10] for lab in LABELS], title="confusion matrix")
    for label, row in zip(LABELS, model.confusion, strict=True):
        confusion.add_row(label, *[str(c) for c in row])
    console.print(confusion)
