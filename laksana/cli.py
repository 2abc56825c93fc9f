"""The `laksana` command: Django's management commands with Laksana's settings.

`laksana demo`, `laksana serve`, `laksana region load DIR`, `laksana migrate`, ...
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laksana.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["laksana", *sys.argv[1:]])


if __name__ == "__main__":
    main()
