"""Measure the server time and the number of queries of the main member pages.

Every page is requested in-process with Django's test client, logged in as the
busy member that the fill picked, next to a plain Wagtail page of the same site
measured in the same run: the rounds go over all pages in turn, so that whatever
slows the machine down touches every page alike. :func:`measure` is what
``benchmarks/measure.py`` and the tests call.
"""

import datetime
import math
import os
import platform
import statistics
import sys
import time

import django
import wagtail
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from wagtail_meetings.models import InboxPage, MeetingsBoardPage

from .filling import database_label, row_counts

# The distance filter's query string (town name, radius in km, nearest first).
NEAR = "?town=Utrecht&radius=25"
NEAREST = NEAR + "&sort=distance"
# The target: every page's median within this many times the plain page's.
TARGET_RATIO = 3.0


class MeasureError(Exception):
    """A page did not answer as a member's page should; the message says which."""


def pages(subjects):
    """(label, URL) of the measured pages, the plain Wagtail page first."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    board = MeetingsBoardPage.objects.live().first()
    inbox = InboxPage.objects.live().first()
    if site is None or board is None or inbox is None:
        raise MeasureError("No default site, board or inbox page: run seed_demo and the fill.")

    def route(page, name, *args):
        base = page.get_url()
        return (base if base.endswith("/") else base + "/") + page.reverse_subpage(name, args=args)

    return [
        ("Plain Wagtail page (home)", site.root_page.specific.get_url()),
        ("Board list", route(board, "list")),
        ("Board, within 25 km of Utrecht", route(board, "list") + NEAR),
        ("Board, nearest first", route(board, "list") + NEAREST),
        ("A call (organiser)", route(board, "call", subjects["call_id"])),
        ("My meetings", route(board, "mine")),
        ("Inbox", route(inbox, "inbox")),
        ("A conversation", route(inbox, "conversation", subjects["conversation_id"])),
    ]


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]


def _get(client, label, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise MeasureError(f"{label}: {url} answered {response.status_code}, not 200.")
    return elapsed


def measure(subjects, runs=50, warmup=5, write=None):
    """Median and 95th percentile of the server time (ms) and the queries of each page."""
    site = Site.objects.get(is_default_site=True)
    member = get_user_model().objects.get(pk=subjects["member_id"])
    client = Client(SERVER_NAME=site.hostname)
    client.force_login(member)
    measured = pages(subjects)
    for _ in range(warmup):
        for label, url in measured:
            _get(client, label, url)
    queries = {}
    for label, url in measured:
        with CaptureQueriesContext(connection) as captured:
            _get(client, label, url)
        queries[label] = len(captured)
    times = {label: [] for label, _url in measured}
    for run in range(runs):
        for label, url in measured:
            times[label].append(_get(client, label, url) * 1000)
        if write and (run + 1) % 10 == 0 and run + 1 < runs:
            write(f"  {run + 1} of {runs} rounds")
    plain = statistics.median(times[measured[0][0]])
    rows = []
    for label, url in measured:
        median = statistics.median(times[label])
        rows.append(
            {
                "page": label,
                "url": url,
                "median_ms": round(median, 2),
                "p95_ms": round(percentile(times[label], 0.95), 2),
                "queries": queries[label],
                "ratio": round(median / plain, 2) if plain else None,
            }
        )
    return rows


def environment():
    database = database_label()
    names = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "mysql": "MySQL"}
    return {
        "database": f"{names.get(database['vendor'], database['vendor'])} {database['version']}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "counts": row_counts(),
        "platform": platform.platform(),
        "processor": _processor(),
        "cpus": os.cpu_count(),
        "load": round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _processor():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def table(rows, env, subjects, runs, warmup):
    """The results as Markdown: a header, the table, and whether the target is met."""
    counts = " · ".join(f"{count:,} {name}" for name, count in env["counts"].items())
    lines = [
        f"{env['database']} · Python {env['python']} · Django {env['django']} · "
        f"Wagtail {env['wagtail']}",
        f"Rows: {counts}",
        f"Machine: {env['platform']}, {env['processor']}, {env['cpus']} CPUs, "
        f"load {env['load']} · {env['date']}",
        f"As {subjects.get('member_username', subjects['member_id'])} "
        f"({subjects.get('member_conversations', '?')} conversations); "
        f"{runs} rounds after {warmup} warm-up rounds; server time in ms.",
        "",
        "| Page | Median | p95 | Queries | × plain |",
        "|---|--:|--:|--:|--:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['page']} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{row['queries']} | {row['ratio']:.2f} |"
        )
    over = [row["page"] for row in rows if row["ratio"] and row["ratio"] > TARGET_RATIO]
    lines.append("")
    if over:
        lines.append(f"Above {TARGET_RATIO:g}× the plain page: {', '.join(over)}.")
    else:
        lines.append(f"Every page's median is within {TARGET_RATIO:g}× the plain page.")
    return "\n".join(lines)


def report(subjects, runs=50, warmup=5, write=print):
    env = environment()
    rows = measure(subjects, runs=runs, warmup=warmup, write=write)
    return {
        "environment": env,
        "subjects": subjects,
        "runs": runs,
        "warmup": warmup,
        "rows": rows,
        "table": table(rows, env, subjects, runs, warmup),
    }


if __name__ == "__main__":  # pragma: no cover
    sys.exit("Run benchmarks/measure.py instead.")
