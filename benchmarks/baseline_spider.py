"""The baseline: a plain single-process Scrapy spider calling trafilatura in its callback.

What a researcher writes in an afternoon: fetch a list of URLs, run
``trafilatura`` with metadata on each page inside the callback, insert the
result with sqlite-utils. Run by crawl_speed.py with ``scrapy runspider``:
``-a urls=FILE`` (one URL a line) ``-a db=FILE``.
"""

import scrapy
import sqlite_utils
import trafilatura


class BaselineSpider(scrapy.Spider):
    name = "baseline"

    async def start(self):
        self.table = sqlite_utils.Database(self.db)["articles"]
        with open(self.urls) as f:
            for url in f.read().split():
                yield scrapy.Request(url, callback=self.parse_article)

    def parse_article(self, response):
        doc = trafilatura.bare_extraction(
            response.text, url=response.url, include_comments=False, with_metadata=True
        )
        if doc is not None and doc.text:
            row = {"url": response.url, "title": doc.title, "author": doc.author}
            row.update(date=doc.date, language=doc.language, text=doc.text)
            self.table.insert(row, pk="url", replace=True)
            yield {"url": response.url}
