"""manage.py seed_demo: the demo organizations, users (password demo1234) and an assessment."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments.audit import command_context
from assessments.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = (
        "Create the demo data set: two organizations with units, users demo-officer, demo-executive, "
        "demo-admin, demo-head, demo-mayor (first organization), demo-outsider (second) and the site staff "
        "user demo-staff, password demo1234, a filled-in 2565 assessment with measures, and a memo "
        "approved by demo-head, demo-executive and demo-mayor. Refused when DEBUG is off unless --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="seed even when DEBUG is off")

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            # Bad use, like bad input: one Thai line and exit status 2, nothing written.
            self.stderr.write(
                _(
                    "seed_demo creates users with a known password; it runs only with DEBUG on "
                    "(DJANGO_DEBUG=1) or with --force."
                )
            )
            sys.exit(2)
        with command_context("seed_demo"):
            logins = seed_demo()
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username, role, org in logins:
            self.stdout.write(f"  {username:<16} {org} ({role})")
