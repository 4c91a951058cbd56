"""The outlet plugins kept with ingest: one module per news site.

Installed as ``ingest.outlets`` and loaded through the ``ingest`` entry points,
the same path a third party's plugin takes.
"""
