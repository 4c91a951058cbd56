"""Extraction: one page in, one Article out, pure.

Classification, trafilatura with metadata, dates, the lead, cleanup and
normalization, and the worker pool that runs them. Nothing here imports the
crawl, the store or a database: it runs in worker processes and in
``ingest extract`` alike.
"""
