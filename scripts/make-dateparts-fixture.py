#!/usr/bin/env python3
"""Reference fixture for the dateparts step: calendar parts by Python's datetime (proleptic
Gregorian, UTC), independent of Lathe's civil-from-days arithmetic.

Run from the repository root with Debian's python3:
    /usr/bin/python3 scripts/make-dateparts-fixture.py
Writes test/fixtures/features/dateparts.json: per date its text, epoch milliseconds and parts
(dayofweek: Monday = 0, like pandas); a missing date has null everywhere.
"""
import json
import os
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "features", "dateparts.json")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

# Before 1970, the last millisecond before it, leap days (2000 is leap, 1900 and 2100 are not),
# the turn of a year, far from 1970 both ways.
DATES = [
    "1900-02-28T12:00:00.000",
    "1900-03-01T00:00:00.000",
    "1969-12-31T00:00:00.000",
    "1969-12-31T23:59:59.999",
    "1970-01-01T00:00:00.000",
    "1970-01-01T00:59:59.999",
    "2000-02-29T13:30:00.000",
    "2000-03-01T00:00:00.000",
    "2100-02-28T23:59:59.999",
    "2100-03-01T00:00:00.000",
    "2024-02-29T06:00:00.000",
    "2024-12-31T23:00:00.000",
    "2025-01-01T00:00:00.000",
    "1600-02-29T01:00:00.000",
    "0001-01-01T00:00:00.000",
    "9999-12-31T23:59:59.999",
    None,
]


def row(text):
    if text is None:
        return {"text": None, "ms": None, "year": None, "month": None, "day": None,
                "dayofweek": None, "hour": None}
    dt = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)
    ms = (dt - EPOCH) // timedelta(milliseconds=1)
    return {"text": text, "ms": ms, "year": dt.year, "month": dt.month, "day": dt.day,
            "dayofweek": dt.weekday(), "hour": dt.hour}


with open(OUT, "w", encoding="utf-8") as f:
    json.dump({"rows": [row(t) for t in DATES]}, f, indent=1, sort_keys=True)
    f.write("\n")
