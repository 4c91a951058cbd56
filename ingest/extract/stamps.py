"""Dates as pages write them, read into one form: the day, and the moment when given.

A page's date may be a day, a local time without offset, or an instant with
its offset; what was given is kept, nothing is added: a day stays a day, and a
time without an offset is not guessed into UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

ISO_RE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
#: The form of Chinese, Japanese and Korean pages: 2023年5月7日 10:30, 2023년 5월 7일.
CJK_RE = re.compile(
    r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]"
    r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?()"
)
DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Zone names feeds write after an RFC 2822 time that Python's parser does not know (it
#: knows UT, GMT and the North American ones): without them "00:30 CET" was read as 00:30
#: UTC, an hour late. Names that stand for more than one zone (IST: India, Ireland,
#: Israel; BST: Britain, Bangladesh) are left out: such a time stays local, its day as
#: written. Written in capitals only: "10:30 west" is a word, not Western Europe.
ZONE_NAMES = {
    "CET": "+0100", "CEST": "+0200", "MEZ": "+0100", "MESZ": "+0200", "WET": "+0000",
    "WEST": "+0100", "EET": "+0200", "EEST": "+0300", "MSK": "+0300",
    "HKT": "+0800", "SGT": "+0800", "AWST": "+0800", "JST": "+0900", "KST": "+0900",
    "ACST": "+0930", "ACDT": "+1030", "AEST": "+1000", "AEDT": "+1100", "NZST": "+1200",
    "NZDT": "+1300", "HST": "-1000", "AKST": "-0900", "AKDT": "-0800",
}  # fmt: skip
ZONE_NAME_RE = re.compile(r"(?<=\d)(\s+)([A-Z]{3,4})\s*$")
#: The day htmldate's parsers read must lie in its bounds; ours are checked by the caller.
EARLIEST, LATEST = datetime(1990, 1, 1), datetime(2100, 1, 1)


@dataclass(frozen=True)
class Stamp:
    """One date a page gives: its day, and its text as stored (ISO 8601, as full as given)."""

    day: date
    text: str
    moment: datetime | None = field(default=None, compare=False)

    @property
    def offset(self) -> timedelta | None:
        return self.moment.utcoffset() if self.moment else None

    @property
    def utc(self) -> bool:
        """An instant in UTC: the publisher's own day may be the one before or after."""
        return self.offset == timedelta(0)


def read_stamp(value: str | None) -> Stamp | None:
    """A date in ISO 8601, RFC 2822, the CJK form (``2022年1月25日``) or a form htmldate
    reads (``25.01.2022``); None if none."""
    value = (value or "").strip()
    if not value:
        return None
    match = ISO_RE.search(value) or CJK_RE.search(value)
    if match:
        return _iso(match)
    moment = rfc2822(value)
    if moment is not None:
        return _stamp(moment)
    return _day_only(value)


def rfc2822(value: str) -> datetime | None:
    """The moment an RFC 2822 date names (``Tue, 05 Mar 2024 00:30:00 CET``), its zone
    name read as its offset where the name means one zone; None if it is no such date."""
    named = ZONE_NAME_RE.search(value)
    if named and (offset := ZONE_NAMES.get(named.group(2))):
        value = value[: named.start(2)] + offset
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def read_dateline(text: str) -> Stamp | None:
    """The date a short visible text names, in ISO 8601, the CJK form or a form htmldate
    reads."""
    text = " ".join(text.split())
    match = ISO_RE.search(text) or CJK_RE.search(text)
    return _iso(match) if match else _day_only(text)


def _iso(match: re.Match[str]) -> Stamp | None:
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        if hour is None:
            found = date(int(year), int(month), int(day))
            return Stamp(found, found.isoformat())
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        if offset:  # an offset of a day or more ("+99:00") is no time zone
            moment = moment.replace(tzinfo=_zone(offset))
    except ValueError:
        return None
    return _stamp(moment)


def _zone(offset: str) -> timezone:
    if offset.upper() == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _stamp(moment: datetime) -> Stamp:
    if moment.utcoffset() == timedelta(0):
        moment = moment.replace(tzinfo=UTC)
    return Stamp(moment.date(), moment.isoformat(timespec="seconds"), moment=moment)


def _day_only(value: str) -> Stamp | None:
    from htmldate.extractors import try_date_expr

    found = try_date_expr(value, "%Y-%m-%d", False, EARLIEST, LATEST)
    return Stamp(date.fromisoformat(found), found) if found else None


def day_of(value: object) -> str | None:
    """The day (YYYY-MM-DD) a stored date begins with; None for anything else a plugin set."""
    match = DAY_RE.match(value) if isinstance(value, str) else None
    return match.group() if match else None
