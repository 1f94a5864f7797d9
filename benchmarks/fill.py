"""Fill the example site's database with a national association's volume of data.

    python benchmarks/fill.py [--scale 1.0] [--seed 1] [--replace]

Runs on the database the example site uses: PostgreSQL when
EXAMPLE_SITE_DATABASE_URL is set, else the SQLite file EXAMPLE_SITE_DB. The database
must be migrated; the towns and the demo pages are added when missing. The ids that
``measure.py`` needs are written to benchmarks/.last-fill.json.
"""

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's code, whatever is installed

LAST_FILL = HERE / ".last-fill.json"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 10,000 members (default)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--replace", action="store_true", help="remove an earlier fill from the database first"
    )
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be above 0")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings.dev")
    import django

    django.setup()
    from benchmarks.filling import FillError, fill, prepare

    try:
        prepare()
        summary = fill(scale=args.scale, seed=args.seed, replace=args.replace)
    except FillError as error:
        sys.exit(f"fill.py: {error}")
    LAST_FILL.write_text(json.dumps(summary, indent=2) + "\n")
    print(
        f"Busy member: {summary['member_username']} (id {summary['member_id']}, "
        f"{summary['member_conversations']} conversations, {summary['member_calls']} calls "
        f"with sign-ups); call {summary['call_id']} ({summary['call_sign_ups']} sign-ups); "
        f"conversation {summary['conversation_id']} "
        f"({summary['conversation_messages']} messages)."
    )
    print(f"Written to {LAST_FILL.relative_to(HERE.parent)}.")


if __name__ == "__main__":
    main()
