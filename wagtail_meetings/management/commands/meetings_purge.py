from django.core.management.base import BaseCommand

from wagtail_meetings.conf import app_settings
from wagtail_meetings.privacy import purge_ended_meetings

LABELS = [
    ("sign_ups", "sign-ups"),
    ("conversations", "conversations"),
    ("messages", "messages"),
    ("check_ins", "check-ins"),
    ("calls", "calls of former members"),
]


class Command(BaseCommand):
    help = (
        "Remove the sign-ups, conversations, messages and check-ins of meetings that ended "
        "(or were cancelled) more than WAGTAIL_MEETINGS_RETENTION_DAYS days ago. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be removed; remove nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        counts = purge_ended_meetings(dry_run=dry_run)
        days = app_settings.RETENTION_DAYS
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb}, of meetings over for more than {days} days:")
        for key, label in LABELS:
            self.stdout.write(f"  {label}: {counts[key]}")
        if dry_run:
            self.stdout.write("Dry run: nothing was removed.")
