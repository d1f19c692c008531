"""Pure aggregation of raw pageview rows into a day's (or a range's) figures.

Metrics (see docs/metrics.md): pageviews count rows; a visit is a session id
(a hit without one is a visit of its own); unique visitors are estimated with
an Apache DataSketches HyperLogLog sketch, which merges across days without
counting a returning visitor twice; a bounce is a visit of one pageview; a
visit's duration is the engaged time of its pageviews where the snippet sent
it, else the time from its first to its last pageview.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any, NamedTuple

import datasketches

#: log2 of the HyperLogLog sketch's buckets: 4,096 buckets, about 1.6 % standard error, 4 KiB stored.
SKETCH_LG_K = 12
#: Pageview columns that are breakdowns as stored, and the breakdowns derived per visit.
DIMENSIONS = (
    "path",
    "referrer_source",
    "utm_campaign",
    "browser",
    "os",
    "device",
    "screensize",
    "language",
    "country",
)
VISIT_DIMENSIONS = ("entry_page", "exit_page")
ALL_DIMENSIONS = DIMENSIONS + VISIT_DIMENSIONS
#: Columns a report reads from ``pageviews``.
ROW_COLUMNS = ("id", "pv", "visitor", "session", *DIMENSIONS, "visitor_next")
#: Unix epoch offset of TimeUUIDs (100 ns intervals since 1582-10-15).
_UUID_EPOCH = 0x01B21DD213814000


class Row(NamedTuple):
    """One raw pageview as reports read it (the order of :data:`ROW_COLUMNS`)."""

    id: uuid.UUID
    pv: uuid.UUID | None
    visitor: uuid.UUID | None
    session: uuid.UUID | None
    path: str | None
    referrer_source: str | None
    utm_campaign: str | None
    browser: str | None
    os: str | None
    device: str | None
    screensize: str | None
    language: str | None
    country: str | None
    #: Cookieless mode, last half hour of a UTC day: the id this visitor has after midnight.
    visitor_next: uuid.UUID | None = None


def timeuuid_datetime(value: uuid.UUID) -> datetime:
    """The UTC instant a TimeUUID was made."""
    return datetime.fromtimestamp((value.time - _UUID_EPOCH) / 1e7, UTC)


def new_sketch() -> Any:
    return datasketches.hll_sketch(SKETCH_LG_K)


@dataclass
class Figures:
    """Additive figures of one day or a merged range, plus the visitors sketch and breakdowns."""

    pageviews: int = 0
    visits: int = 0
    bounces: int = 0
    duration_ms: int = 0
    sketch: Any = field(default_factory=new_sketch)
    breakdowns: dict[str, Counter[str]] = field(default_factory=lambda: {d: Counter() for d in ALL_DIMENSIONS})

    @property
    def visitors(self) -> int:
        return round(float(self.sketch.get_estimate()))

    def visitors_bounds(self, stddevs: int = 2) -> tuple[int, int]:
        """The estimate's lower and upper bound at ``stddevs`` standard deviations (2: about 95 %)."""
        return round(self.sketch.get_lower_bound(stddevs)), round(self.sketch.get_upper_bound(stddevs))

    def merge(self, other: Figures) -> None:
        """Add ``other`` (another day) to these figures."""
        self.pageviews += other.pageviews
        self.visits += other.visits
        self.bounces += other.bounces
        self.duration_ms += other.duration_ms
        union = datasketches.hll_union(SKETCH_LG_K)
        union.update(self.sketch)
        union.update(other.sketch)
        self.sketch = union.get_result()
        for dimension, counts in other.breakdowns.items():
            self.breakdowns[dimension].update(counts)


@dataclass
class _Visit:
    first: datetime
    last: datetime
    entry: str
    exit: str
    pageviews: int = 0
    engaged_ms: int = 0


def aggregate(
    rows: Iterable[Row], engaged: Mapping[uuid.UUID, int], aliases: Mapping[uuid.UUID, uuid.UUID] | None = None
) -> Figures:
    """The figures of ``rows`` (one day's pageviews); ``engaged`` maps pageview keys to engaged ms.

    ``aliases`` maps a cookieless visitor id to the one the same visitor had
    before midnight (see :func:`midnight_aliases`), so that a range's sketch
    counts a visit across midnight as one visitor.
    """
    figures = Figures()
    visits: dict[uuid.UUID, _Visit] = {}
    aliases = aliases or {}
    for row in rows:
        figures.pageviews += 1
        if row.visitor is not None:
            figures.sketch.update(str(aliases.get(row.visitor, row.visitor)))
        for dimension in DIMENSIONS:
            figures.breakdowns[dimension][getattr(row, dimension) or ""] += 1
        at = timeuuid_datetime(row.id)
        path = row.path or ""
        key = row.session or row.pv or row.id
        visit = visits.get(key)
        if visit is None:
            visit = visits[key] = _Visit(first=at, last=at, entry=path, exit=path)
        if at < visit.first:
            visit.first, visit.entry = at, path
        if at > visit.last:
            visit.last, visit.exit = at, path
        visit.pageviews += 1
        visit.engaged_ms += engaged.get(row.pv, 0) if row.pv else 0
    for visit in visits.values():
        figures.visits += 1
        figures.bounces += visit.pageviews == 1
        span_ms = int((visit.last - visit.first).total_seconds() * 1000)
        figures.duration_ms += visit.engaged_ms or span_ms
        figures.breakdowns["entry_page"][visit.entry] += 1
        figures.breakdowns["exit_page"][visit.exit] += 1
    return figures


def midnight_aliases(rows_before: Iterable[Row]) -> dict[uuid.UUID, uuid.UUID]:
    """{id after midnight: id before} from the cookieless rows just before a day began."""
    return {row.visitor_next: row.visitor for row in rows_before if row.visitor_next and row.visitor}


def hourly_counts(rows: Iterable[Row], tz: tzinfo) -> Counter[datetime]:
    """Pageviews per local hour (keys are aware datetimes at the top of each hour in ``tz``)."""
    counts: Counter[datetime] = Counter()
    for row in rows:
        local = timeuuid_datetime(row.id).astimezone(tz)
        counts[local.replace(minute=0, second=0, microsecond=0)] += 1
    return counts


def top(counter: Counter[str], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` largest counts, ties by value, the empty value last."""
    items = sorted(counter.items(), key=lambda item: (-item[1], item[0] == "", item[0]))
    return items[:limit]
