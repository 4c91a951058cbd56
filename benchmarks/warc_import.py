"""WARC import speed: `ingest import-warc` against crawling the same pages from loopback.

Serves N real news pages on 127.0.0.1 (as crawl_speed.py does), crawls them with
`ingest crawl --warc` and without, then imports that WARC into a fresh database. Prints records
per second read from the WARC alone (warcio, no extraction), pages per second
through the whole import, and the crawl's pages per second; medians of several runs.

    python benchmarks/warc_import.py --pages 1000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from crawl_speed import real_pages, serve, settings_args, timed
from warcio.archiveiterator import ArchiveIterator


def read_only(paths: list[Path]) -> tuple[int, float]:
    """Records in the files and the seconds warcio takes to read every payload."""
    started, count = time.monotonic(), 0
    for path in paths:
        with open(path, "rb") as f:
            for record in ArchiveIterator(f):
                record.content_stream().read()
                count += 1
    return count, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    server = serve(real_pages(), args.pages)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    crawl, plain, imported, reading = [], [], [], []
    records = 0
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            folder = Path(tmp) / str(run)
            folder.mkdir()
            ingest = [sys.executable, "-m", "ingest"]
            crawl.append(
                timed(
                    [
                        *ingest, "crawl", url, "--db", str(folder / "crawl.db"),
                        "--max-depth", "1", "--warc", str(folder / "warc"), *settings_args(),
                    ]
                )[0]
            )  # fmt: skip
            plain.append(
                timed(
                    [*ingest, "crawl", url, "--db", str(folder / "plain.db"), "--max-depth", "1",
                     *settings_args()]
                )[0]
            )  # fmt: skip
            warcs = sorted((folder / "warc").glob("*.warc.gz"))
            records, seconds = read_only(warcs)
            reading.append(seconds)
            imported.append(
                timed([*ingest, "import-warc", *map(str, warcs), "--db", str(folder / "i.db")])[0]
            )
    server.shutdown()
    pages = args.pages + 1  # the index page too
    c, p, i, r = (statistics.median(x) for x in (crawl, plain, imported, reading))
    print(f"{pages} pages, {records} WARC records (median of {args.runs} runs)")
    print(f"read the WARC alone (warcio):  {records / r:8.0f} records/s")
    print(f"ingest import-warc:            {pages / i:8.1f} pages/s  ({i:.2f} s)")
    print(f"ingest crawl --warc:           {pages / c:8.1f} pages/s  ({c:.2f} s)")
    print(f"ingest crawl from loopback:    {pages / p:8.1f} pages/s  ({p:.2f} s)")
    print(f"ratio import/crawl (no --warc): {p / i:.2f}x pages per second")


if __name__ == "__main__":
    main()
