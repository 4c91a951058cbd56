"""Storage: SQLite through sqlite-utils.

The schema and its descriptions, batched writes, how an incoming article meets
the stored one (versions, duplicates, clusters), crawl health, learned
boilerplate and re-extraction. Knows nothing of Scrapy.
"""
