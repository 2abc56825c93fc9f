"""`laksana vapid_keys`: a new VAPID key pair for the environment (Web Push to staff phones)."""

from django.core.management.base import BaseCommand

from laksana.push import keys


class Command(BaseCommand):
    help = "Print a new VAPID key pair as environment lines (VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY)."

    def handle(self, *args, **options) -> None:
        private, public = keys.generate()
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}\nVAPID_PUBLIC_KEY={public}\n")
