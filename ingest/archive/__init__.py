"""Archives in and out: WARC files written while crawling or from the database, and
WARC files (Common Crawl's CC-NEWS among them) read through the crawl's own pipeline."""
