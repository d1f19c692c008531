#!/usr/bin/env python
"""Per-hit cost of ``pageviews.collect.enrich.enrich()``: uncached, from a cold start, and with warm caches.

Run from the repository root (no Django, no Cassandra, no network):

    .venv/bin/python benchmarks/enrichment.py [--hits 50000] [--agents 2000] [--uncached 10000] [--seed 1]

The traffic is made up but shaped like a real site's: ``--agents`` distinct user
agents built from templates x versions (desktop, phone and tablet browsers, in-app
browsers, crawlers, HTTP libraries), ~1,000 referrers (direct, search, social,
internal, unknown blogs) and 5,000 IPv4/IPv6 addresses, each drawn with a Zipf-like
distribution (a few values are very common, most are rare). It prints:

- the one-time costs: importing ``pageviews.collect.enrich`` in a fresh interpreter, the
  first user agent parse (ua-parser's matchers, crawlerdetect's patterns) and
  loading the GeoIP database;
- the per-hit cost, median and p95 in microseconds, and hits per second on one
  core: uncached (every cache emptied before each call, ``--uncached`` hits), a
  cold start (one pass from empty caches, as a fresh worker) and warm (the same
  pass again, as in production once a worker has run a while);
- how much the caches save.
"""

from __future__ import annotations

import argparse
import ipaddress
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_HOST = "example.com"
ZIPF_EXPONENT = 1.1

CHROME = "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{v}.0.{b}.{p}"
SAFARI = "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/{i}.{m}"
#: User agent templates; fields: v browser major, b/p build numbers, i/m iOS/macOS major/minor,
#: a Android version, d Android device model, f Firefox major, n bot or library version.
AGENT_TEMPLATES = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + CHROME + " Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) " + CHROME + " Safari/537.36 Edg/{v}.0.{p}.{n}",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) " + CHROME + " Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) " + CHROME + " Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{f}.0) Gecko/20100101 Firefox/{f}.0",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:{f}.0) Gecko/20100101 Firefox/{f}.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) " + SAFARI + " Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS {i}_{m} like Mac OS X) " + SAFARI + " Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS {i}_{m} like Mac OS X) " + SAFARI + " Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS {i}_{m} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 [FBAN/FBIOS;FBAV/{v}.0.0.{n};FBBV/{b};FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/{i}.{m}]",
    "Mozilla/5.0 (Linux; Android {a}; {d}) " + CHROME + " Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android {a}; {d}) " + CHROME + " Safari/537.36",
    "Mozilla/5.0 (Linux; Android {a}; SAMSUNG {d}) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/{n}.0 Chrome/{v}.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Android {a}; Mobile; rv:{f}.0) Gecko/{f}.0 Firefox/{f}.0",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) " + CHROME + " Mobile Safari/537.36 "
    "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/{v}.0.{b}.{p}",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.{n}; +https://openai.com/gptbot)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/{v}.0.{b}.{p} Safari/537.36",
    "curl/8.{n}.0",
    "python-requests/2.{n}.0",
)
ANDROID_MODELS = ("Pixel 8", "Pixel 7a", "SM-S921B", "SM-A546B", "K", "SM-X700", "Redmi Note 12", "CPH2581")
REFERRER_TEMPLATES = (
    "https://www.google.com/",
    "https://www.google.co.uk/",
    "https://www.google.de/",
    "https://www.bing.com/search?q=analytics+{n}",
    "https://duckduckgo.com/",
    "https://t.co/{n:x}",
    "https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2F{n}",
    "https://news.ycombinator.com/item?id={n}",
    "https://www.reddit.com/r/django/comments/{n:x}/",
    "https://chatgpt.com/",
    "https://example.com/blog/{n}",
    "https://www.example.com/docs/{n}",
    "https://blog{n}.example.net/post/{n}",
    "android-app://com.google.android.googlequicksearchbox/",
)


def zipf_weights(count: int) -> list[float]:
    """Weight of each rank in a Zipf-like popularity: rank r gets 1 / r**s."""
    return [1 / rank**ZIPF_EXPONENT for rank in range(1, count + 1)]


def make_agents(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct user agents from the templates, in a random popularity order."""
    agents: set[str] = set()
    while len(agents) < count:
        fields = {
            "v": rng.randint(100, 131),
            "b": rng.randint(4000, 6999),
            "p": rng.randint(0, 250),
            "i": rng.randint(14, 18),
            "m": rng.randint(0, 7),
            "a": rng.randint(9, 15),
            "d": rng.choice(ANDROID_MODELS),
            "f": rng.randint(100, 133),
            "n": rng.randint(0, 60),
        }
        agents.add(rng.choice(AGENT_TEMPLATES).format(**fields))
    ordered = sorted(agents)
    rng.shuffle(ordered)
    return ordered


def make_referrers(rng: random.Random, count: int) -> list[str]:
    """About ``count`` referrers, a third of them empty (direct visits), the rest from the templates."""
    referrers = [""] * (count // 3)
    referrers += [rng.choice(REFERRER_TEMPLATES).format(n=rng.randint(1, 10**6)) for _ in range(count - len(referrers))]
    rng.shuffle(referrers)
    return referrers


def make_ips(rng: random.Random, count: int) -> list[str]:
    """``count`` public addresses, one in five IPv6."""
    ips: list[str] = []
    while len(ips) < count:
        if rng.random() < 0.2:
            address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.IPv6Address(
                (0x2 << 125) | rng.getrandbits(125)  # 2000::/3, the global unicast block
            )
        else:
            address = ipaddress.IPv4Address(rng.getrandbits(32))
        if address.is_global:
            ips.append(str(address))
    return ips


def draw(rng: random.Random, values: Sequence[str], hits: int) -> list[str]:
    return rng.choices(values, weights=zipf_weights(len(values)), k=hits)


def timed(call: Callable[[], object]) -> float:
    """Seconds taken by one call."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def rss_mib() -> float | None:
    """Resident memory of this process in MiB (Linux), None elsewhere."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return None
    import resource

    return pages * resource.getpagesize() / 2**20


def fresh_import_ms(repeat: int = 5) -> float:
    """Median time to import pageviews.collect.enrich in a new interpreter, in milliseconds."""
    code = "import time; t = time.perf_counter(); import pageviews.collect.enrich; print(time.perf_counter() - t)"
    argv = [sys.executable, "-c", code]
    runs: list[float] = []
    for _ in range(repeat):
        done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(float(done.stdout))
    return statistics.median(runs) * 1000


def summary(name: str, micros: list[float]) -> tuple[str, float, float, float, float]:
    """Name, median, p95 and mean in microseconds, and hits per second on one core."""
    micros = sorted(micros)
    mean = statistics.fmean(micros)
    return name, statistics.median(micros), micros[int(len(micros) * 0.95)], mean, 1e6 / mean


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--hits", type=int, default=50_000, help="hits in the stream (default 50,000)")
    parser.add_argument("--agents", type=int, default=2_000, help="distinct user agents (default 2,000)")
    parser.add_argument("--uncached", type=int, default=10_000, help="hits timed without caches (default 10,000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    import_ms = fresh_import_ms()
    sys.path.insert(0, str(ROOT))
    from pageviews.collect import agents as user_agents
    from pageviews.collect import enrich as enrichment
    from pageviews.collect import geo

    first_parse = timed(lambda: user_agents.parse_agent(AGENT_TEMPLATES[0].format(v=124, b=6367, p=82)))
    rss_before = rss_mib()
    geoip_load = timed(lambda: geo.country_of("8.8.8.8"))
    rss_after = rss_mib()

    rng = random.Random(args.seed)
    agents = draw(rng, make_agents(rng, args.agents), args.hits)
    referrers = draw(rng, make_referrers(rng, 1_000), args.hits)
    ips = draw(rng, make_ips(rng, 5_000), args.hits)
    stream = list(zip(agents, referrers, ips, strict=True))

    enrich, clear_caches, clock = enrichment.enrich, enrichment.clear_caches, time.perf_counter_ns

    def run(hits: Sequence[tuple[str, str, str]], *, uncached: bool = False) -> list[float]:
        micros: list[float] = []
        for useragent, referrer, ip in hits:
            if uncached:
                clear_caches()
            start = clock()
            enrich(useragent, referrer, PAGE_HOST, ip)
            micros.append((clock() - start) / 1000)
        return micros

    uncached = summary("uncached", run(stream[: args.uncached], uncached=True))
    clear_caches()
    cold = summary("cold start", run(stream))
    info = enrichment.cache_info()
    warm = summary("warm cache", run(stream))

    print(f"enrich() per hit: {args.hits:,} hits, {args.agents:,} distinct user agents, Zipf s={ZIPF_EXPONENT}")
    print(f"ua-parser resolver: {user_agents.ua_resolver()}; GeoIP database: {geo.GEOIP_DATABASE}")
    print()
    print(f"{'':<12}{'median µs':>11}{'p95 µs':>10}{'mean µs':>10}{'hits/s':>12}")
    for name, median, p95, mean, rate in (uncached, cold, warm):
        print(f"{name:<12}{median:>11.1f}{p95:>10.1f}{mean:>10.1f}{rate:>12,.0f}")
    speedup = f"{uncached[1] / warm[1]:.0f}x faster per hit (median), {warm[4] / uncached[4]:.0f}x (mean)"
    print(f"warm vs uncached: {speedup}")
    print(f"({uncached[0]} timed over the first {min(args.uncached, args.hits):,} hits, every cache emptied first)")
    print()
    hit_rates = ", ".join(f"{name} {i.hits / (i.hits + i.misses):.1%}" for name, i in info.items())
    print(f"cold-start pass cache hit rates: {hit_rates}")
    print("one-time costs:")
    print(f"  import pageviews.collect.enrich (fresh interpreter) {import_ms:7.1f} ms")
    print(f"  first parse (ua-parser matchers, crawler regex) {first_parse * 1000:7.1f} ms")
    memory = f", +{rss_after - rss_before:.0f} MiB resident" if rss_before is not None and rss_after is not None else ""
    print(f"  first country lookup (load the GeoIP database)  {geoip_load * 1000:7.1f} ms{memory}")


if __name__ == "__main__":
    main()
