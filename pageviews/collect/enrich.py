"""Pure enrichment of a hit: browser, OS, device type, bot flag, referring source, country.

No Django and no CQL: plain strings in, frozen dataclasses out. Parsing costs
tens to hundreds of microseconds, and the same user agents, referrers and
addresses come back constantly, so each lookup (:mod:`.agents`,
:mod:`.referrers`, :mod:`.geo`) keeps a per-process LRU cache of
``CACHE_SIZE`` entries. The ua-parser matchers and the GeoIP database are
loaded on first use, once per process, never at import: Django's startup
stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import agents
from .agents import parse_agent
from .geo import country_of
from .referrers import referrer_source

if TYPE_CHECKING:
    from functools import _CacheInfo


@dataclass(frozen=True, slots=True)
class Enrichment:
    """Everything derived from a hit's user agent, referrer and IP address."""

    browser: str
    browser_version: str
    os: str
    os_version: str
    device: str
    is_bot: bool
    referrer_host: str
    referrer_source: str
    country: str


def enrich(useragent: str, referrer: str, page_host: str, ip: str) -> Enrichment:
    """Derived fields of one hit; a few microseconds once its values are cached."""
    agent = parse_agent(useragent)
    referrer_host, source = referrer_source(referrer, page_host)
    return Enrichment(
        browser=agent.browser,
        browser_version=agent.browser_version,
        os=agent.os,
        os_version=agent.os_version,
        device=agent.device,
        is_bot=agent.is_bot,
        referrer_host=referrer_host,
        referrer_source=source,
        country=country_of(ip),
    )


def cache_info() -> dict[str, _CacheInfo]:
    """Hits, misses and size of each LRU cache, by function name."""
    return {
        "parse_agent": parse_agent.cache_info(),
        "referrer_source": referrer_source.cache_info(),
        "country_of": country_of.cache_info(),
    }


def clear_caches() -> None:
    """Empty every lookup cache, crawlerdetect's own included (tests, benchmarks); loaded data stays."""
    parse_agent.cache_clear()
    referrer_source.cache_clear()
    country_of.cache_clear()
    # crawlerdetect keeps a 1,024-entry cache per detector behind ours; no public way to empty it.
    agents._CRAWLERS._cached_check.cache_clear()
