"""Pure unit tests of hit enrichment: user agents, referrers, countries, caching (no Cassandra, no network)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pageviews.collect.agents import DEVICES, UNKNOWN_AGENT, Agent, parse_agent, ua_resolver
from pageviews.collect.enrich import Enrichment, cache_info, clear_caches, enrich
from pageviews.collect.geo import country_of
from pageviews.collect.once import Once
from pageviews.collect.referrers import referrer_source, source_name

ROOT = Path(__file__).resolve().parents[2]

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:125.0) Gecko/20100101 Firefox/125.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4.1 Mobile/15E148 Safari/604.1"
)
SAFARI_IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
CHROME_ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.82 Mobile Safari/537.36"
)
CHROME_ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
GOOGLEBOT_SMARTPHONE = (
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.6367.82 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
)
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
GPTBOT = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)"
GOOGLE_APP = "com.google.android.googlequicksearchbox"  # the Google app's referrer is android-app://<this>/
HEADLESS_CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.29 Safari/537.36"
)


@pytest.mark.parametrize(
    ("useragent", "expected"),
    [
        (CHROME_WINDOWS, Agent("Chrome", "124.0", "Windows", "10", "desktop", False)),
        (FIREFOX_MAC, Agent("Firefox", "125.0", "Mac OS X", "10.15", "desktop", False)),
        (SAFARI_IPHONE, Agent("Mobile Safari", "17.4", "iOS", "17.4", "mobile", False)),
        (SAFARI_IPAD, Agent("Mobile Safari", "17.4", "iOS", "17.4", "tablet", False)),
        (CHROME_ANDROID_PHONE, Agent("Chrome Mobile", "124.0", "Android", "14", "mobile", False)),
        (CHROME_ANDROID_TABLET, Agent("Chrome", "124.0", "Android", "13", "tablet", False)),
        (GOOGLEBOT, Agent("Googlebot", "2.1", "Other", "", "bot", True)),
        (BINGBOT, Agent("bingbot", "2.0", "Other", "", "bot", True)),
        (HEADLESS_CHROME, Agent("HeadlessChrome", "124.0", "Linux", "", "bot", True)),
        ("curl/8.5.0", Agent("curl", "8.5", "Other", "", "bot", True)),
        ("python-requests/2.31.0", Agent("Python Requests", "2.31", "Other", "", "bot", True)),
        ("", Agent("", "", "", "", "", False)),  # unknown, not a bot: stored, as the contract says
        ("   ", Agent("", "", "", "", "", False)),
    ],
)
def test_parse_agent(useragent: str, expected: Agent) -> None:
    assert parse_agent(useragent) == expected


@pytest.mark.parametrize(
    ("useragent", "device"),
    [
        # a Googlebot that poses as an Android phone is a bot before it is a phone
        (GOOGLEBOT_SMARTPHONE, "bot"),
        (GPTBOT, "bot"),
        ("Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)", "bot"),
        ("Wget/1.21.4", "bot"),
        ("   ", ""),  # unknown
        # Android without the "Mobile" token: a tablet (Google's convention), the reduced UA too
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Mobile Safari/537.36",
            "mobile",
        ),
        (
            "Mozilla/5.0 (Linux; Android 12; SAMSUNG SM-T870) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/22.0 Chrome/111.0.5563.116 Safari/537.36",
            "tablet",
        ),
        (
            "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 "
            "like Chrome/124.0.6367.82 Safari/537.36",
            "tablet",
        ),
        ("Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0", "tablet"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", "mobile"),
        (
            "Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1",
            "mobile",
        ),
        (
            "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
            "mobile",
        ),
        ("Mozilla/5.0 (Mobile; Nokia 8110 4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5", "mobile"),
        ("Opera/9.80 (J2ME/MIDP; Opera Mini/5.1.21214/28.2725; U; ru) Presto/2.8.119 Version/11.10", "mobile"),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0.0.0 Safari/537.36",
            "desktop",
        ),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "desktop"),
        ("something nobody has ever sent", "desktop"),
    ],
)
def test_device_type(useragent: str, device: str) -> None:
    agent = parse_agent(useragent)
    assert agent.device == device
    assert agent.is_bot is (device == "bot")


def test_the_rust_resolver_is_active() -> None:
    # ua-parser-rs (``ua-parser[regex]``) makes an uncached parse ~10x faster than the pure-Python resolver.
    assert ua_resolver() == "ua_parser.regex.Resolver"


@given(st.text(max_size=300))
def test_parse_agent_takes_any_text(useragent: str) -> None:
    agent = parse_agent(useragent)
    if not useragent.strip():
        assert agent == UNKNOWN_AGENT
        return
    assert agent.device in DEVICES
    assert agent.is_bot is (agent.device == "bot")
    assert agent.browser


@pytest.mark.parametrize(
    ("referrer", "page_host", "expected"),
    [
        ("https://www.google.co.uk/search?q=pageviews", "", ("www.google.co.uk", "Google")),
        ("https://www.google.com/", "example.com", ("www.google.com", "Google")),
        ("https://news.google.com/articles/x", "", ("news.google.com", "Google")),
        ("https://mail.google.com/mail/u/0/", "", ("mail.google.com", "Gmail")),
        ("https://search.yahoo.co.jp/search?p=x", "", ("search.yahoo.co.jp", "Yahoo")),
        ("https://yandex.com.tr/search/", "", ("yandex.com.tr", "Yandex")),
        ("https://www.bing.com/search?q=x", "", ("www.bing.com", "Bing")),
        ("https://duckduckgo.com/", "", ("duckduckgo.com", "DuckDuckGo")),
        ("https://search.brave.com/search?q=x", "", ("search.brave.com", "Brave Search")),
        ("https://t.co/AbC123", "", ("t.co", "X/Twitter")),
        ("https://x.com/someone/status/1", "", ("x.com", "X/Twitter")),
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com", "", ("l.facebook.com", "Facebook")),
        ("https://m.facebook.com/", "", ("m.facebook.com", "Facebook")),
        ("https://lnkd.in/abc", "", ("lnkd.in", "LinkedIn")),
        ("https://news.ycombinator.com/item?id=1", "", ("news.ycombinator.com", "Hacker News")),
        ("https://en.m.wikipedia.org/wiki/Cassandra", "", ("en.m.wikipedia.org", "Wikipedia")),
        ("https://chatgpt.com/", "", ("chatgpt.com", "ChatGPT")),
        ("https://chat.openai.com/", "", ("chat.openai.com", "ChatGPT")),
        (
            "android-app://com.google.android.googlequicksearchbox/",
            "",
            ("com.google.android.googlequicksearchbox", "Google"),
        ),
        # case and port: the host is lower-cased and loses its port, keeps its www.
        ("HTTPS://WWW.Example.ORG:8443/a?b=c", "", ("www.example.org", "example.org")),
        ("https://blog.example.net/post", "example.com", ("blog.example.net", "blog.example.net")),
        # a brand's name elsewhere in a host is not the brand
        ("https://google.example.com/", "", ("google.example.com", "google.example.com")),
        ("https://mygoogle.com/", "", ("mygoogle.com", "mygoogle.com")),
        ("https://user.github.io/", "", ("user.github.io", "user.github.io")),
        # internal navigation, www. and port aside
        ("https://example.com/previous", "example.com", ("", "")),
        ("https://www.example.com/previous", "example.com:8000", ("", "")),
        ("http://example.com:8080/previous", "www.example.com", ("", "")),
        ("http://[::1]:8000/", "[::1]:8000", ("", "")),
        # empty or malformed
        ("", "", ("", "")),
        ("garbage", "", ("", "")),
        ("not a url at all", "example.com", ("", "")),
        ("http://", "", ("", "")),
        ("http://[::1", "", ("", "")),
        ("http://exa mple.com/", "", ("", "")),
        ("javascript:alert(1)", "", ("", "")),
        ("ftp://google.com/", "", ("", "")),
        ("//example.org/no-scheme", "", ("", "")),
    ],
)
def test_referrer_source(referrer: str, page_host: str, expected: tuple[str, str]) -> None:
    assert referrer_source(referrer, page_host) == expected


@pytest.mark.parametrize(
    ("host", "source"),
    [
        ("google.de", "Google"),
        ("www.google.com.au", "Google"),
        ("ya.ru", "Yandex"),
        ("www.pinterest.co.uk", "Pinterest"),
        ("outlook.live.com", "Outlook"),
        ("gemini.google.com", "Gemini"),
        ("www.unknown.example", "unknown.example"),
    ],
)
def test_source_name(host: str, source: str) -> None:
    assert source_name(host) == source


@given(st.text(max_size=200), st.text(max_size=50))
def test_referrer_source_takes_any_text(referrer: str, page_host: str) -> None:
    host, source = referrer_source(referrer, page_host)
    assert host == host.lower()
    assert ":" not in host or host.count(":") >= 2  # never a port; only an IPv6 address has colons
    assert bool(source) is bool(host)


@pytest.mark.parametrize(
    ("ip", "country"),
    [
        # public addresses of well-known networks, as the shipped GeoLite2 database places them
        ("8.8.8.8", "US"),  # Google Public DNS
        ("9.9.9.9", "US"),  # Quad9
        ("81.2.69.142", "GB"),  # MaxMind's own test address
        ("193.0.6.139", "NL"),  # RIPE NCC (www.ripe.net)
        (" 193.0.6.139 ", "NL"),
        ("2001:67c:2e8:22::c100:68b", "NL"),  # RIPE NCC over IPv6
        ("2001:4860:4860::8888", "US"),  # Google Public DNS over IPv6
        ("2a00:1450:4001:81c::200e", "DE"),  # Google, Frankfurt
        ("::ffff:193.0.6.139", "NL"),  # IPv4-mapped: looked up as IPv4
        # unknown: private, loopback, reserved, documentation, invalid
        ("127.0.0.1", ""),
        ("::1", ""),
        ("10.0.0.1", ""),
        ("192.168.1.20", ""),
        ("100.64.0.1", ""),
        ("203.0.113.9", ""),
        ("fe80::1", ""),
        ("not-an-ip", ""),
        ("", ""),
        ("1", ""),  # socket.inet_aton (inside geoip2fast) would take it as 0.0.0.1
        ("8.8.8", ""),
        ("8.8.8.8:443", ""),
    ],
)
def test_country_of(ip: str, country: str) -> None:
    assert country_of(ip) == country


@given(st.one_of(st.ip_addresses().map(str), st.text(max_size=60)))
def test_country_of_takes_any_text(ip: str) -> None:
    country = country_of(ip)
    assert country == "" or (len(country) == 2 and country.isupper())


def test_enrich() -> None:
    assert enrich(SAFARI_IPHONE, "https://t.co/x", "example.com", "2001:67c:2e8:22::c100:68b") == Enrichment(
        browser="Mobile Safari",
        browser_version="17.4",
        os="iOS",
        os_version="17.4",
        device="mobile",
        is_bot=False,
        referrer_host="t.co",
        referrer_source="X/Twitter",
        country="NL",
    )


def test_enrich_of_a_bot_without_referrer() -> None:
    enrichment = enrich("curl/8.5.0", "", "example.com", "127.0.0.1")
    assert (enrichment.device, enrichment.is_bot) == ("bot", True)
    assert (enrichment.referrer_host, enrichment.referrer_source, enrichment.country) == ("", "", "")


def test_the_second_call_is_a_cache_hit() -> None:
    clear_caches()
    first = parse_agent(CHROME_WINDOWS)
    second = parse_agent(CHROME_WINDOWS)
    info = cache_info()["parse_agent"]
    assert second is first
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)


def test_enrich_uses_every_cache() -> None:
    clear_caches()
    for _ in range(3):
        enrich(FIREFOX_MAC, "https://www.bing.com/", "example.com", "8.8.8.8")
    assert {name: (info.hits, info.misses) for name, info in cache_info().items()} == {
        "parse_agent": (2, 1),
        "referrer_source": (2, 1),
        "country_of": (2, 1),
    }
    clear_caches()
    assert all(info.currsize == 0 for info in cache_info().values())


def test_threads_get_the_same_answers() -> None:
    clear_caches()
    agents = [CHROME_WINDOWS, FIREFOX_MAC, SAFARI_IPHONE, SAFARI_IPAD, GOOGLEBOT, HEADLESS_CHROME] * 50
    expected = [parse_agent.__wrapped__(agent) for agent in agents]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(parse_agent, agents)) == expected


def test_once_builds_once_under_threads() -> None:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while the first builds
        return object()

    once = Once(build)
    start = threading.Barrier(8)

    def get() -> object:
        start.wait()
        return once()

    with ThreadPoolExecutor(max_workers=8) as pool:
        values = list(pool.map(lambda _: get(), range(8)))
    assert len(calls) == 1
    assert all(value is values[0] for value in values)
    assert once.loaded


def test_import_loads_nothing_heavy() -> None:
    # Django's startup imports the app: ua-parser and the GeoIP database wait for the first hit.
    code = (
        "import sys\n"
        "from pageviews.collect import enrich, geo\n"
        "assert 'ua_parser' not in sys.modules and 'geoip2fast' not in sys.modules, 'loaded at import'\n"
        "assert not geo.geoip_loaded()\n"
        "assert geo.country_of('8.8.8.8') == 'US'\n"
        "assert geo.geoip_loaded()\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    assert (result.returncode, result.stdout.strip()) == (0, "ok"), result.stderr
