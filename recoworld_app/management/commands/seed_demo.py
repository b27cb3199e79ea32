from django.core.management.base import BaseCommand

from recoworld_app.services.demo import DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = "Create the demo creator (and its sample content) if missing."

    def add_arguments(self, parser):
        parser.add_argument("--print-password", action="store_true", help="print the demo password and stop")

    def handle(self, *args, print_password=False, **options):
        if print_password:
            self.stdout.write(DEMO_PASSWORD)
            return
        created = demo_seed()
        self.stdout.write("demo creator created" if created else "demo creator already there")
