"""Rewrites a generated export as real practice systems write theirs, for the benchmark's messy rows.

    python3 bench/messy.py GENERATED_FOLDER OUT_FOLDER

Every file gets CRLF line ends. sessions.csv gains an `end` column beside duration_min, its statuses
are written as aliases in mixed case ("Attended", "DNA", "Late Cancel", …), and every optional column
is filled: a missing note_signed_at becomes the start plus two days. waitlist.csv gets every urgency
written out and a close_reason on each closed referral; admin_time.csv an after_hours flag on every
row. The same people and appointments, so the run's indicators stay comparable with the generated
export's.
"""
import csv
import datetime as dt
import os
import sys

source, target = sys.argv[1], sys.argv[2]
os.makedirs(target, exist_ok=True)

STATUS = {
    "attended": ["Attended", "Show", "Kept", "Arrived"],
    "no_show": ["DNA", "No Show", "did-not-attend"],
    "cancelled_late": ["Late Cancel", "late_cancelled"],
    "cancelled_client": ["Cancelled", "Client Canceled"],
    "cancelled_clinician": ["Provider Cancelled", "clinician-canceled"],
    "scheduled": ["Booked", "Scheduled"],
}
FORMAT = "%Y-%m-%d %H:%M"


def rewrite(name, change, header_change=None):
    path = os.path.join(source, name)
    if not os.path.exists(path):
        return
    with open(path, newline="") as src, open(os.path.join(target, name), "w", newline="") as out:
        reader = csv.reader(src)
        writer = csv.writer(out, lineterminator="\r\n")
        header = next(reader)
        writer.writerow(header_change(header) if header_change else header)
        index = {column: i for i, column in enumerate(header)}
        for n, row in enumerate(reader):
            writer.writerow(change(row, index, n))


def session(row, i, n):
    start = dt.datetime.strptime(row[i["start"]], FORMAT)
    minutes = int(row[i["duration_min"]])
    aliases = STATUS[row[i["status"]]]
    row[i["status"]] = aliases[n % len(aliases)]
    if not row[i["note_signed_at"]]:
        row[i["note_signed_at"]] = (start + dt.timedelta(days=2)).strftime(FORMAT)
    if not row[i["session_type"]]:
        row[i["session_type"]] = "therapy"
    if not row[i["high_acuity"]]:
        row[i["high_acuity"]] = "false"
    end = (start + dt.timedelta(minutes=minutes)).strftime(FORMAT)
    return row[: i["duration_min"] + 1] + [end] + row[i["duration_min"] + 1 :]


def session_header(header):
    at = header.index("duration_min") + 1
    return header[:at] + ["end"] + header[at:]


def referral(row, i, n):
    if not row[i["urgency"]]:
        row[i["urgency"]] = "routine"
    if row[i["closed_on"]] and not row[i["close_reason"]]:
        row[i["close_reason"]] = "declined"
    return row


def admin(row, i, n):
    if not row[i["after_hours"]]:
        row[i["after_hours"]] = "false"
    return row


rewrite("sessions.csv", session, session_header)
rewrite("waitlist.csv", referral)
rewrite("admin_time.csv", admin)
for name in ["clinicians.csv", "wellbeing.csv"]:
    rewrite(name, lambda row, i, n: row)
