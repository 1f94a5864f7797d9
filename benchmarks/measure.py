"""Measure the main member pages next to a plain Wagtail page and print a table.

    python benchmarks/measure.py [--runs 50] [--warmup 5] [--json results.json]

Runs on the database the example site uses (EXAMPLE_SITE_DATABASE_URL or
EXAMPLE_SITE_DB) with production-like settings (benchmarks/settings.py: DEBUG off),
as the busy member that benchmarks/fill.py picked.
"""

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's code, whatever is installed

LAST_FILL = HERE / ".last-fill.json"


def subjects_for_this_database():
    """The ids the last fill stored, if it filled this database; else pick them afresh."""
    from benchmarks.filling import database_label, pick_subjects

    if LAST_FILL.exists():
        stored = json.loads(LAST_FILL.read_text())
        if stored.get("database") == database_label():
            return stored
    return pick_subjects()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="timed rounds (default 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds first (default 5)")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.warmup < 0:
        parser.error("--runs must be 1 or more and --warmup 0 or more")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    import django

    django.setup()
    from benchmarks.filling import FillError
    from benchmarks.measuring import MeasureError, report

    try:
        subjects = subjects_for_this_database()
        print(f"Measuring {args.runs} rounds after {args.warmup} warm-up rounds...")
        results = report(subjects, runs=args.runs, warmup=args.warmup)
    except (FillError, MeasureError) as error:
        sys.exit(f"measure.py: {error}")
    print()
    print(results["table"])
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
        print(f"\nWritten to {args.json}.")


if __name__ == "__main__":
    main()
