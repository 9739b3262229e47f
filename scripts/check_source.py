"""Check a hand-written corpus source file (YAML list of records) before it is built.

Usage: python scripts/check_source.py data/sources/FILE.yaml
Prints each problem with the record number and field, then a summary by label / form / channel.
"""

import collections
import datetime as dt
import re
import sys

import yaml

LABELS = {
    "clear_timeline",
    "vague",
    "no_next_steps",
    "immediate_next_steps",
    "rejection",
    "offer",
    "unrelated",
}
CHANNELS = {"spoken", "email", "sms", "linkedin", "voicemail", "ats"}
FORMS = {"whole_email", "body", "short"}
KINDS = {"hear_by", "deadline", "event"}
FIELDS = {
    "group",
    "label",
    "channel",
    "form",
    "sent_at",
    "subject",
    "sender",
    "key_date",
    "key_date_kind",
    "notes",
    "text",
}
KEY_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$")


def problems(i: int, r: dict) -> list[str]:
    out = []
    if not isinstance(r, dict):
        return [f"record {i}: not a mapping"]
    missing = {"group", "label", "channel", "form", "sent_at", "text"} - r.keys()
    extra = r.keys() - FIELDS
    out += [f"record {i}: missing field {f}" for f in sorted(missing)]
    out += [f"record {i}: unknown field {f}" for f in sorted(extra)]
    if r.get("label") not in LABELS:
        out.append(f"record {i}: label {r.get('label')!r} not one of {sorted(LABELS)}")
    if r.get("channel") not in CHANNELS:
        out.append(f"record {i}: channel {r.get('channel')!r}")
    if r.get("form") not in FORMS:
        out.append(f"record {i}: form {r.get('form')!r}")
    try:
        sent = dt.datetime.fromisoformat(str(r.get("sent_at")))
        if sent.utcoffset() is None:
            out.append(f"record {i}: sent_at has no UTC offset")
    except ValueError:
        out.append(f"record {i}: sent_at {r.get('sent_at')!r} is not ISO 8601")
    kd, kk = r.get("key_date"), r.get("key_date_kind")
    if (kd is None) != (kk is None):
        out.append(f"record {i}: key_date and key_date_kind must both be set or both null")
    if kd is not None and not KEY_DATE.match(str(kd)):
        out.append(f"record {i}: key_date {kd!r} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    if kk is not None and kk not in KINDS:
        out.append(f"record {i}: key_date_kind {kk!r} not one of {sorted(KINDS)}")
    if not str(r.get("text") or "").strip():
        out.append(f"record {i}: empty text")
    return out


def main(path: str) -> int:
    with open(path, encoding="utf-8") as fh:
        records = yaml.safe_load(fh) or []
    errs = [p for i, r in enumerate(records, 1) for p in problems(i, r)]
    print("\n".join(errs) if errs else "no problems")
    good = [r for r in records if isinstance(r, dict)]
    for field in ("label", "form", "channel"):
        print(field, dict(collections.Counter(r.get(field) for r in good)))
    print("records", len(records), "groups", len({r.get("group") for r in good}))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
