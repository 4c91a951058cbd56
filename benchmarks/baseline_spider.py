"""The baseline: a plain single-process Scrapy spider calling trafilatura in its callback.

Run by crawl_speed.py with ``scrapy runspider``; ``-a start=URL`` is the site's index.
"""

import scrapy
import trafilatura


class BaselineSpider(scrapy.Spider):
    name = "baseline"

    async def start(self):
        yield scrapy.Request(self.start_url)

    def parse(self, response):
        for href in response.css("a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)

    def parse_article(self, response):
        doc = trafilatura.bare_extraction(
            response.text, url=response.url, include_comments=False, with_metadata=True
        )
        if doc is not None:
            yield {"url": response.url, "title": doc.title, "words": len(doc.text.split())}
