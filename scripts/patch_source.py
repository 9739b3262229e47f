"""Change fields of one record in the hand-written sources, by corpus id, keeping the file's layout.

    python scripts/patch_source.py w4-188-1 label=immediate_next_steps 'notes="..."'

Values are written as given (quote strings as YAML wants them). Used to apply reviewed fixes.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SOURCES = Path("data/sources")


def patch(record_id: str, changes: dict[str, str]) -> Path:
    group, _, nth = record_id.rpartition("-")
    for path in sorted(SOURCES.glob("*.yaml")):
        lines = path.read_text("utf-8").split("\n")
        starts = [
            i
            for i, line in enumerate(lines)
            if re.fullmatch(rf"- group: ['\"]?{re.escape(group)}['\"]?\s*", line)
        ]
        if len(starts) < int(nth):
            continue
        start = starts[int(nth) - 1]
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("- ")), len(lines)
        )
        for field, value in changes.items():
            hits = [i for i in range(start, end) if re.match(rf"^(- |  ){field}:", lines[i])]
            if not hits:
                raise SystemExit(f"{record_id}: no field {field} in {path}")
            prefix = lines[hits[0]][:2]
            lines[hits[0]] = f"{prefix}{field}: {value}"
        path.write_text("\n".join(lines), "utf-8")
        return path
    raise SystemExit(f"{record_id}: not found in {SOURCES}")


if __name__ == "__main__":
    rid, *pairs = sys.argv[1:]
    print(patch(rid, dict(p.split("=", 1) for p in pairs)))
