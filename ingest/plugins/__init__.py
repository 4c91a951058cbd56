"""Plugins: the hook specifications, the manager that loads plugins, and the Outlet record.

The wing below extraction: it knows hooks and outlets, nothing of Scrapy,
trafilatura or SQLite. A plugin author imports from ``ingest`` itself.
"""

from ingest.plugins.deadline import LoadTimeout


class PluginLoadError(Exception):
    """A plugin could not be imported, registered or set up (its ``prepare_database``
    raised): one line naming where and why."""


#: What a plugin's code may raise without taking more than its page: a sys.exit() or exit()
#: too (it ended the worker, and the crawl waited on it forever), or its load running out
#: of time (``deadline``); Ctrl-C is not caught.
PLUGIN_FAULTS = (Exception, SystemExit, LoadTimeout)
