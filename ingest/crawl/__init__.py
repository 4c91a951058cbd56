"""Crawling with Scrapy: the spider, discovery (feeds, sitemaps, robots), the frontier,
seeds, settings, and the item pipeline that hands pages to the store.
"""
