"""The snippet's JavaScript, run in Node.js against a stand-in browser environment.

The real-browser suite (headless Chromium) comes with the collection issue;
here Node checks what the script sends, by which transport, and the fallback.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pageviews.snippet import minified_script, render_snippet

APP_ID = "6f1c7a52-3b0e-4d7e-9a4b-0d6f3b2f9e10"
ENDPOINT = "https://stats.test/pageviews/collect/"
HARNESS = Path(__file__).with_name("snippet_harness.js")


def run_in_node(script: str, *, beacon: str) -> dict[str, Any]:
    node = shutil.which("node")
    assert node, "Node.js is needed to test the snippet's JavaScript"
    result = subprocess.run(
        [node, str(HARNESS), beacon],
        input=script,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def rendered_script() -> str:
    html = str(render_snippet(endpoint=ENDPOINT, app_id=APP_ID, path="/"))
    return html.split(">", 1)[1].split("</script>", 1)[0]


EXPECTED_FIELDS = {
    "app": [APP_ID],
    "path": ["/blog/tomatoes"],
    "title": ["Tomatoes & more"],
    "platform": ["Linux x86_64"],
    "language": ["en-GB"],
    "screensize": ["1920x1080"],
    "pixelratio": ["2"],
    "referrer": ["https://search.test/?q=tomato"],
}


def test_sends_the_recipe_fields_by_sendbeacon() -> None:
    sent = run_in_node(rendered_script(), beacon="accept")
    assert sent["images"] == []
    [beacon] = sent["beacons"]
    assert beacon["url"] == ENDPOINT
    assert beacon["type"] == "application/x-www-form-urlencoded"
    assert parse_qs(beacon["body"], keep_blank_values=True) == EXPECTED_FIELDS


@pytest.mark.parametrize("beacon", ["missing", "refuse", "throw"])
def test_falls_back_to_the_image_request(beacon: str) -> None:
    sent = run_in_node(rendered_script(), beacon=beacon)
    [image] = sent["images"]
    url = urlsplit(image)
    assert f"{url.scheme}://{url.netloc}{url.path}" == ENDPOINT
    assert parse_qs(url.query, keep_blank_values=True) == EXPECTED_FIELDS


def test_image_request_appends_to_an_endpoint_with_a_query() -> None:
    html = str(render_snippet(endpoint=ENDPOINT + "?v=1", app_id=APP_ID, path="/"))
    script = html.split(">", 1)[1].split("</script>", 1)[0]
    [image] = run_in_node(script, beacon="missing")["images"]
    assert image.startswith(ENDPOINT + "?v=1&app=")


def test_minified_script_is_much_smaller_than_its_source() -> None:
    source = (Path(__file__).parents[1] / "pageviews" / "snippet.js").read_text()
    assert len(minified_script()) < len(source) / 2
