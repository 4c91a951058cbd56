"""An offline demo: fictional news sites to crawl, so nothing needs the internet.

``site.build_site()`` generates the sites, ``server.DemoServer`` serves them on
127.0.0.1 (also as an HTTP proxy for their ``.example`` hosts), and the outlet
plugins in ``plugins/`` describe them like any real outlet.
"""
