"""``python -m ingest``, and the ``ingest`` command: a Ctrl-C while the CLI still imports
(a second or so) exits 130 with one line, not a traceback."""

import sys

try:
    from ingest.cli import main
except KeyboardInterrupt:  # Ctrl-C while starting up: nothing has happened yet
    sys.stderr.write("Interrupted.\n")
    sys.exit(130)

if __name__ == "__main__":
    main()
