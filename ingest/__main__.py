"""``python -m ingest``: the same as the ``ingest`` command."""

import sys

try:
    from ingest.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing has happened yet
    sys.stderr.write("Interrupted.\n")
    sys.exit(130)

if __name__ == "__main__":
    main()
