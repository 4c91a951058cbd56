"""What a Retry-After header asks, read directly (the waiting itself: test_crawl)."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy.http import Response

from ingest.crawl.retry_after import retry_after


def answer(value: str | None) -> Response:
    headers = {"Retry-After": value} if value is not None else {}
    return Response("http://n.example/a", status=429, headers=headers)


@pytest.mark.parametrize(
    ("value", "wait"),
    [("120", 120.0), (" 0 ", 0.0), (None, None), ("", None), ("soon", None), ("-5", None)],
)
def test_seconds_or_nothing(value, wait):
    assert retry_after(answer(value)) == wait


def test_an_http_date_is_the_time_left_until_it_and_a_past_one_none_left():
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 80 < retry_after(answer(later)) <= 90
    earlier = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    assert retry_after(answer(earlier)) == 0.0
