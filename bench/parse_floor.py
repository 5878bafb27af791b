"""The parse floor: polars reading the input CSVs with their schema and nothing else."""
import sys

import polars as pl

folder = sys.argv[1]
schemas = {
    "sessions.csv": {
        "session_id": pl.String, "clinic_id": pl.String, "clinician_id": pl.String, "client_id": pl.String,
        "start": pl.String, "duration_min": pl.Int64, "status": pl.String, "session_type": pl.String,
        "note_signed_at": pl.String, "high_acuity": pl.Boolean,
    },
    "admin_time.csv": {
        "clinic_id": pl.String, "clinician_id": pl.String, "date": pl.Date, "hours": pl.Float64,
        "category": pl.String, "after_hours": pl.Boolean,
    },
    "waitlist.csv": {
        "referral_id": pl.String, "clinic_id": pl.String, "client_id": pl.String, "referred_on": pl.Date,
        "urgency": pl.String, "first_seen_on": pl.Date, "closed_on": pl.Date, "close_reason": pl.String,
    },
}
rows = 0
for name, schema in schemas.items():
    frame = pl.read_csv(f"{folder}/{name}", schema=schema)
    # Datetimes are parsed as part of the floor too, as the full run must.
    if name == "sessions.csv":
        frame = frame.with_columns(
            pl.col("start").str.to_datetime("%Y-%m-%d %H:%M"),
            pl.col("note_signed_at").str.to_datetime("%Y-%m-%d %H:%M", strict=False),
        )
    rows += frame.height
print(f"rows {rows}")
