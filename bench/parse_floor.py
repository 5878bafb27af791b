"""The parse floor: polars reading the input CSVs with their schema and nothing else."""
import sys

import polars as pl

folder = sys.argv[1]
# Column types by name; a file's schema is taken from its own header, so that an export with an
# `end` column, or without an optional one, is read as it is.
TYPES = {
    "duration_min": pl.Int64,
    "high_acuity": pl.Boolean,
    "hours": pl.Float64,
    "after_hours": pl.Boolean,
    "date": pl.Date,
    "referred_on": pl.Date,
    "first_seen_on": pl.Date,
    "closed_on": pl.Date,
}
DATETIMES = ["start", "end", "note_signed_at"]
rows = 0
for name in ["sessions.csv", "admin_time.csv", "waitlist.csv"]:
    path = f"{folder}/{name}"
    with open(path, newline="") as f:
        header = f.readline().strip().split(",")
    schema = {column: TYPES.get(column, pl.String) for column in header}
    frame = pl.read_csv(path, schema=schema)
    # Datetimes are parsed as part of the floor too, as the full run must.
    frame = frame.with_columns(
        pl.col(c).str.to_datetime("%Y-%m-%d %H:%M", strict=False) for c in DATETIMES if c in header
    )
    rows += frame.height
print(f"rows {rows}")
