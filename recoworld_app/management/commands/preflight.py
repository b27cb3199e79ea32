import sys

from django.core.management.base import BaseCommand

from recoworld_app.preflight import problems


class Command(BaseCommand):
    help = "Check that the database and the broker answer; print one line per problem."

    def handle(self, *args, **options):
        found = problems()
        for problem in found:
            self.stderr.write(f"error: {problem}")
        if found:
            sys.exit(1)
        self.stdout.write("database and broker reachable")
