"""Plausible-looking pageviews for the demo and the benchmarks (seeded, reproducible).

Visitors come back over the days, visits have one to six pageviews a minute
or two apart, traffic follows the clock of the app's timezone, and pages,
sources, browsers and countries have realistic skews.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .agents import parse_agent
from .hits import Hit
from .referrers import referrer_source

PAGES = [("/", 40), ("/blog/", 18), ("/about/", 10), ("/contact/", 5), ("/blog/tomatoes-in-november/", 12)]
PAGES += [(f"/blog/post-{n}/", 12 // n) for n in range(1, 12)]
REFERRERS = [
    ("", 45),
    ("https://www.google.com/", 25),
    ("https://www.bing.com/", 4),
    ("https://duckduckgo.com/", 4),
    ("https://t.co/x1", 5),
    ("https://news.ycombinator.com/item?id=1", 6),
    ("https://www.reddit.com/r/gardening/", 6),
    ("https://github.com/", 3),
    ("https://l.facebook.com/", 2),
]
AGENTS = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36",
        35,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15",
        12,
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0", 8),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        22,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36",
        18,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        5,
    ),
]
SCREENS = {"desktop": ["1920x1080", "1440x900", "2560x1440"], "mobile": ["390x844", "412x915"], "tablet": ["820x1180"]}
COUNTRIES = [("US", 30), ("GB", 12), ("DE", 10), ("FR", 8), ("IN", 8), ("BR", 6), ("CA", 5), ("JP", 4), ("NL", 4)]
LANGUAGES = {"US": "en-US", "GB": "en-GB", "DE": "de-DE", "FR": "fr-FR", "IN": "en-IN", "BR": "pt-BR"}
LANGUAGES |= {"CA": "en-CA", "JP": "ja-JP", "NL": "nl-NL"}
#: Share of the hourly traffic by local hour (a day's shape).
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 7, 7, 7, 7, 8, 8, 7, 5, 3, 2]


def _pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([value for value, _ in table], weights=[weight for _, weight in table])[0]


def generate(
    app: uuid.UUID, first: date, days: int, per_day: int, tz: ZoneInfo, seed: int = 1, visitor_pool: int | None = None
) -> Iterator[Hit]:
    """About ``per_day`` pageviews on each of ``days`` local days from ``first``, as enriched hits."""
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    pool = visitor_pool or max(1, per_day * days // 4)
    visitors = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(pool)]
    for offset in range(days):
        day = first + timedelta(days=offset)
        made = 0
        while made < per_day:
            visitor = rng.choice(visitors)
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            start = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz)
            for hit in _visit(rng, app, visitor, start, min(rng.randint(1, 6), per_day - made)):
                made += 1
                yield hit


def _visit(rng: random.Random, app: uuid.UUID, visitor: uuid.UUID, start: datetime, pageviews: int) -> Iterator[Hit]:
    session = uuid.UUID(int=rng.getrandbits(128), version=4)
    useragent = _pick(rng, AGENTS)
    agent = parse_agent(useragent)
    country = _pick(rng, COUNTRIES)
    referrer = _pick(rng, REFERRERS)
    referrer_host, source = referrer_source(referrer, "example.org")
    campaign = rng.choice(["", "", "", "", "newsletter-november", "spring-sale"])
    at = start
    for index in range(pageviews):
        yield Hit(
            app=app,
            visitor=visitor,
            session=session,
            received_at=at.astimezone(ZoneInfo("UTC")),
            pv=uuid.UUID(int=rng.getrandbits(128), version=4),
            path=_pick(rng, PAGES),
            title="Example site",
            referrer=referrer if index == 0 else "",
            platform="",
            language=LANGUAGES.get(country, "en-US"),
            screensize=rng.choice(SCREENS.get(agent.device, SCREENS["desktop"])),
            pixelratio=2.0 if agent.device != "desktop" else 1.0,
            host="example.org",
            utm_campaign=campaign if index == 0 else "",
            ip="203.0.113.0",
            useragent=useragent,
            browser=agent.browser,
            browser_version=agent.browser_version,
            os=agent.os,
            os_version=agent.os_version,
            device=agent.device,
            referrer_host=referrer_host if index == 0 else "",
            referrer_source=source if index == 0 else "",
            country=country,
        )
        at += timedelta(seconds=rng.randint(10, 180))
