"""Scrapy settings for ingest: polite by default, every value one we use.

Override any of them on the command line with ``-s NAME=VALUE`` (``ingest
crawl`` and ``scrapy crawl`` alike), e.g. ``-s AUTOTHROTTLE_ENABLED=0``.
"""

from ingest import __version__

BOT_NAME = "ingest"
SPIDER_MODULES = ["ingest.crawl.spider"]
NEWSPIDER_MODULE = "ingest.crawl"

# Identify ourselves; set USER_AGENT to include a contact address for real crawls.
USER_AGENT = f"ingest/{__version__} (news archive crawler; Scrapy)"

# Politeness: robots.txt obeyed, a few requests per site at a time, adaptive delays.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# A server that hangs or a page that never ends must not stall the crawl.
DOWNLOAD_TIMEOUT = 30.0
# Half Scrapy's 32 MiB: no HTML page past INGEST_MAX_HTML_BYTES is extracted anyway, and
# a sitemap of 50,000 URLs (the protocol's maximum) is about 10 MB.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
RETRY_TIMES = 2
# Scrapy's list without DownloadTimeoutError: a server that hung for DOWNLOAD_TIMEOUT seldom
# answers on the next try, and retrying would hold the crawl three times as long.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.CannotResolveHostError",
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    "builtins.OSError",
    "scrapy.core.downloader.handlers.http11.TunnelError",
]

# Scrapy's duplicate filter, its fingerprints kept in 8 bytes each: memory flat in crawl size.
DUPEFILTER_CLASS = "ingest.crawl.fingerprints.CompactDupeFilter"

# Past INGEST_QUEUE_IN_MEMORY waiting requests, new ones wait on disk (marshal, not pickle).
SCHEDULER = "ingest.crawl.disk_queue.SpillingScheduler"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.MarshalLifoDiskQueue"
SCHEDULER_START_DISK_QUEUE = "scrapy.squeues.MarshalFifoDiskQueue"

ITEM_PIPELINES = {"ingest.crawl.pipelines.IngestPipeline": 300}
# Each response yields one page item and its links; Scrapy starts this many tasks per
# response to process them, so a small number saves the event loop real work.
CONCURRENT_ITEMS = 4
DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, saying a robots.txt it could not read (ingest.crawl.robots).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "ingest.crawl.robots.SaidRobotsTxt": 100,
    # Scrapy's offsite filter, deaf to dont_filter and judging by the crawl's own rule; a
    # robots.txt redirected to another host passes, to be read there.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "ingest.crawl.offsite.SitesOnly": 50,
    # Scrapy's, waiting what a 429's or 503's Retry-After asks (ingest.crawl.retry_after).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "ingest.crawl.retry_after.RetryAfter": 550,
    # Sees a body before HttpCompressionMiddleware (590) unpacks it: a cut-off stream fails.
    "ingest.crawl.partial.RefusePartialBodies": 595,
    "ingest.crawl.middlewares.RouteThroughProxy": 740,
    # Scrapy's, keeping a page whose refresh leads to javascript: (ingest.crawl.middlewares).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "ingest.crawl.middlewares.MetaRefreshKeepingPages": 580,
    # Scrapy's, saying a Location no request can be made of (ingest.crawl.middlewares).
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "ingest.crawl.middlewares.RedirectsSaid": 600,
    # After the proxy is chosen and before the download: redirects come back through it.
    "ingest.crawl.guard.AddressGuard": 760,
}

# Writes WARC records when INGEST_WARC_DIR is set (`ingest crawl --warc DIR`).
# Bounds on an answer's headers, and the size bound told as too_large (ingest.crawl.bounds).
EXTENSIONS = {"ingest.archive.capture.WarcCapture": 200, "ingest.crawl.bounds.DownloadBounds": 0}

TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 turns on an HTTP server that runs the Python code sent to it, and leaves its port
# and token in a file in the user's state folder (for good, when the crawl is killed). A crawl
# of the news asks for neither a listening port nor the file.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"

# ingest's own settings.
INGEST_DB = "ingest.db"  # the SQLite file a crawl writes
INGEST_COMMAND = None  # the run's name in crawls; None: "crawl SPIDER"
INGEST_WORKERS = None  # extraction processes; None means one per core
INGEST_EXTRACT_TIMEOUT = 30.0  # seconds one page may spend in extraction and plugins; 0: no bound
INGEST_PLUGINS_DIRS: list[str] = []  # more folders of outlet plugins (--plugins-dir)
INGEST_BATCH_SIZE = 100  # rows per committed transaction; 0 or 1: each row at once
INGEST_QUEUE_IN_MEMORY = 10_000  # requests waiting in memory; more wait on disk for this run
INGEST_PROXY = None  # route every request through this proxy (the offline demo)
INGEST_ROBOTS_SITEMAPS = True  # also crawl the sitemaps robots.txt names (`Sitemap:` lines)
INGEST_CONDITIONAL_REQUESTS = True  # ask again with If-None-Match / If-Modified-Since
INGEST_ALLOW_PRIVATE = False  # reach loopback/private/link-local/metadata addresses off the seeds
INGEST_PROGRESS = False  # a live line of counts (`ingest crawl`: on without -v on a terminal)
INGEST_QUIET = False  # failures recorded as rows kept off stderr (`ingest crawl`: on without -v)
# Bounds (docs/security.md): a page or listing past one is an errors row, never a crash.
INGEST_MAX_HTML_BYTES = 5_000_000  # HTML handed to extraction; 0: no bound
INGEST_MAX_ELEMENTS = 40_000  # elements of a parsed page; 0: no bound
INGEST_MAX_LISTING_ENTRIES = 50_000  # URLs planned from one feed or sitemap; 0: no bound
# Links followed this many hops from a seed at most (--max-depth; 0: no bound): a news site's
# stories are a few hops from its home page, and a calendar or a session id in its links
# would otherwise be followed without end. Past it, the summary says how many links waited.
DEPTH_LIMIT = 25
INGEST_MAX_LISTING_DEPTH = 3  # feeds and sitemaps one is read through, at most; 0: no bound
INGEST_DB_MAX_BYTES = 0  # the database may not grow past this; the crawl stops there; 0: no bound
INGEST_WRITER_WAIT = 30.0  # seconds to wait for another crawl writing to the same database
INGEST_CRAWL_DELAY_MAX = 30.0  # seconds of a robots.txt's Crawl-delay obeyed at most; 0: ignored
INGEST_RETRY_AFTER_MAX = 60.0  # seconds a 429's or 503's Retry-After is waited; past it, no retry
INGEST_WARC_DIR = None  # write every response as WARC records here (--warc)
INGEST_WARC_MAX_BYTES = 1_000_000_000  # begin a new WARC file past this size
# Many workers, one frontier (docs/scale.md): set INGEST_REDIS_URL (--redis) to share it.
INGEST_KNOWN_DBS: list[str] = []  # more databases whose fetches count as known (--known)
INGEST_REDIS_URL = None  # redis://HOST:PORT/DB; None: Scrapy's own scheduler, in memory
INGEST_REDIS_KEY = "ingest:news"  # prefix of the crawl's keys: one per shared crawl
INGEST_REDIS_LEASE = 60.0  # seconds a dead worker's requests wait before others take them
INGEST_REDIS_NEW_CRAWL = False  # the seeding command: a crawl that is over starts anew
INGEST_SHARED_DELAY = (
    -1.0
)  # seconds between requests to one host across workers; -1: DOWNLOAD_DELAY
INGEST_REDIS_IDLE = 10.0  # seconds a worker waits, queue empty and no lease out, before it stops
INGEST_NEAR_DUPLICATES = 0.6  # MinHash similarity from which articles share a cluster; 0: off
