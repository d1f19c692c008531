"""The snippet's JavaScript, run in Node.js against a stand-in browser environment.

Node checks what the script sends, by which transport, and when (SPA
navigations, engagement, clicks); tests/browser runs it in real Chromium.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pageviews.collect.snippet import SnippetOptions, minified_script, render_snippet

APP_ID = "6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10"
ENDPOINT = "https://stats.test/pageviews/collect/"
HARNESS = Path(__file__).with_name("snippet_harness.js")


def script_for(options: SnippetOptions | None = None, endpoint: str = ENDPOINT) -> str:
    html = str(render_snippet(endpoint=endpoint, app_id=APP_ID, path="/", options=options))
    return html.split(">", 1)[1].split("</script>", 1)[0]


def run_in_node(script: str, **scenario: Any) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "Node.js is needed to test the snippet's JavaScript"
    result = subprocess.run(
        [node, str(HARNESS), json.dumps(scenario)],
        input=script,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def beacon_fields(sent: dict[str, Any]) -> list[dict[str, str]]:
    """Each beacon's body as a flat dict (blank values kept)."""
    for beacon in sent["beacons"]:
        assert beacon["url"] == ENDPOINT
        assert beacon["type"] == "application/x-www-form-urlencoded"
    return [{k: v[0] for k, v in parse_qs(b["body"], keep_blank_values=True).items()} for b in sent["beacons"]]


def test_sends_the_recipe_fields_by_sendbeacon() -> None:
    sent = run_in_node(script_for(), url="https://site.test/blog/tomatoes?utm_source=news&utm_campaign=autumn+sale")
    assert sent["images"] == []
    [fields] = beacon_fields(sent)
    pv = fields.pop("pv")
    assert uuid.UUID(pv).version == 4
    assert fields == {
        "app": APP_ID,
        "path": "/blog/tomatoes",
        "title": "Tomatoes & more",
        "host": "site.test",
        "platform": "Linux x86_64",
        "language": "en-GB",
        "screensize": "1920x1080",
        "pixelratio": "2",
        "referrer": "https://search.test/?q=tomato",
        "utm_source": "news",
        "utm_medium": "",
        "utm_campaign": "autumn sale",
        "utm_term": "",
        "utm_content": "",
    }


@pytest.mark.parametrize("beacon", ["missing", "refuse", "throw"])
def test_falls_back_to_the_image_request(beacon: str) -> None:
    sent = run_in_node(script_for(), beacon=beacon)
    [image] = sent["images"]
    url = urlsplit(image)
    assert f"{url.scheme}://{url.netloc}{url.path}" == ENDPOINT
    fields = parse_qs(url.query, keep_blank_values=True)
    assert fields["app"] == [APP_ID]
    assert fields["title"] == ["Tomatoes & more"]


def test_image_request_appends_to_an_endpoint_with_a_query() -> None:
    [image] = run_in_node(script_for(endpoint=ENDPOINT + "?v=1"), beacon="missing")["images"]
    assert image.startswith(ENDPOINT + "?v=1&")


def test_without_crypto_randomuuid_the_pageview_key_is_still_a_uuid4() -> None:
    [fields] = beacon_fields(run_in_node(script_for(), noCrypto=True))
    assert uuid.UUID(fields["pv"]).version == 4


def test_spa_navigations_are_pageviews_without_double_firing() -> None:
    sent = run_in_node(
        script_for(SnippetOptions(spa=True, engagement=False)),
        url="https://site.test/start",
        actions=[
            ["replaceState", "/start"],  # routers do this on load: same page, no new pageview
            ["pushState", "/next"],
            ["pushState", "/next"],  # same page again: nothing
            ["popstate", "/start"],
            ["hash", "#section"],  # hash changes are not pageviews unless asked
        ],
    )
    pageviews = beacon_fields(sent)
    assert [p["path"] for p in pageviews] == ["/start", "/next", "/start"]
    assert pageviews[1]["referrer"] == "https://site.test/start"
    assert pageviews[2]["referrer"] == "https://site.test/next"
    assert len({p["pv"] for p in pageviews}) == 3


def test_spa_option_off_records_only_the_load() -> None:
    sent = run_in_node(script_for(SnippetOptions(engagement=False)), actions=[["pushState", "/next"]])
    assert [p["path"] for p in beacon_fields(sent)] == ["/blog/tomatoes"]


def test_hash_option_makes_hash_changes_pageviews() -> None:
    sent = run_in_node(
        script_for(SnippetOptions(hash=True, engagement=False)),
        url="https://site.test/app#/inbox",
        actions=[["hash", "#/settings"], ["hash", "#/settings"]],
    )
    assert [p["path"] for p in beacon_fields(sent)] == ["/app#/inbox", "/app#/settings"]


def test_engagement_beacon_carries_the_visible_time_of_the_pageview() -> None:
    sent = run_in_node(
        script_for(SnippetOptions(engagement=True)),
        actions=[["wait", 4000], ["hide"], ["wait", 60000], ["show"], ["wait", 1500], ["pagehide"], ["pagehide"]],
    )
    pageview, first, second = beacon_fields(sent)  # the repeated pagehide sends nothing new
    assert first == {"type": "engagement", "pv": pageview["pv"], "engaged": "4000", "app": APP_ID}
    assert second == {"type": "engagement", "pv": pageview["pv"], "engaged": "5500", "app": APP_ID}


def test_engagement_of_a_spa_page_is_sent_before_the_next_pageview() -> None:
    sent = run_in_node(
        script_for(SnippetOptions(spa=True, engagement=True)),
        actions=[["wait", 2500], ["pushState", "/next"]],
    )
    first, engagement, second = beacon_fields(sent)
    assert engagement["type"] == "engagement"
    assert engagement["pv"] == first["pv"] != second["pv"]
    assert engagement["engaged"] == "2500"
    assert second["path"] == "/next"


def test_outbound_and_download_clicks_are_events() -> None:
    options = SnippetOptions(engagement=False, outbound=True, downloads=("pdf", "zip"))
    sent = run_in_node(
        script_for(options),
        actions=[
            ["click", "https://other.test/page"],
            ["click", "/files/report.PDF"],
            ["click", "/blog/next"],  # an internal link: nothing
        ],
    )
    pageview, outbound, download = beacon_fields(sent)
    assert outbound == {
        "type": "event",
        "name": "outbound",
        "url": "https://other.test/page",
        "path": "/blog/tomatoes",
        "pv": pageview["pv"],
        "app": APP_ID,
    }
    assert download["name"] == "download"
    assert download["url"] == "https://site.test/files/report.PDF"


def test_clicks_are_ignored_unless_asked() -> None:
    sent = run_in_node(script_for(SnippetOptions(engagement=False)), actions=[["click", "https://other.test/"]])
    assert len(sent["beacons"]) == 1


def test_wire_names_are_configurable() -> None:
    options = SnippetOptions(engagement=False, names={"app": "a", "path": "p", "title": "t"})
    [fields] = beacon_fields(run_in_node(script_for(options)))
    assert (fields["a"], fields["p"], fields["t"]) == (APP_ID, "/blog/tomatoes", "Tomatoes & more")
    assert "app" not in fields
    assert "path" not in fields


def test_minified_script_is_much_smaller_than_its_source() -> None:
    source = (Path(__file__).parents[2] / "pageviews" / "collect" / "snippet.js").read_text()
    assert len(minified_script()) < len(source) * 0.7
