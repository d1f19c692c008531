"""User agents: browser, OS, device type and the bot flag (ua-parser with its Rust resolver, crawlerdetect).

Pure: a string in, a frozen :class:`Agent` out, LRU-cached per process. The
ua-parser matchers are loaded on first use, never at import.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from crawlerdetect import CrawlerDetect

from .once import CACHE_SIZE, Once

if TYPE_CHECKING:
    from ua_parser import Parser

#: Device types, in the order the rules below try them.
DEVICES = ("bot", "tablet", "mobile", "desktop")


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


_ua_parser = Once(_load_ua_parser)

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
