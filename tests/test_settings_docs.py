"""docs/settings.md and docs/checks.md agree with the declarations in pageviews/conf.py (no Cassandra needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pageviews.checks import CHECK_IDS, bound_rule
from pageviews.conf import SETTINGS, Setting

DOCS = Path(__file__).resolve().parent.parent / "docs"
SETTINGS_PAGE = "docs/settings.md"
CHECKS_PAGE = "docs/checks.md"
TABLE_HEADER = "| setting | type | default | description |"

# --- the renderer: what the docs show of a declaration ----------------------------------------------


def _or(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def literal(value: Any) -> str:
    """A Python literal as the docs write it: strings in double quotes."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return f"({', '.join(map(literal, value))}{',' if len(value) == 1 else ''})"
    if isinstance(value, list):
        return f"[{', '.join(map(literal, value))}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def render_type(setting: Setting[Any]) -> str:
    text = _or(["`None`" if t is type(None) else f"`{t.__name__}`" for t in setting.types])
    if setting.items is not None:
        text += f" of `{setting.items.__name__}`"
    if setting.choices:
        text += ": " + _or([f"`{literal(choice)}`" for choice in setting.choices])
    return text


def render_default(setting: Setting[Any]) -> str:
    if setting.default_doc is not None:
        return setting.default_doc
    return f"`{literal(setting.default)}`" + (f" ({setting.default_note})" if setting.default_note else "")


def anchor(setting: Setting[Any]) -> str:
    return "#" + setting.full_name.lower().replace("_", "-")


def render_row(setting: Setting[Any]) -> str:
    cells = [f"[`{setting.full_name}`]({anchor(setting)})", render_type(setting), render_default(setting), setting.doc]
    return f"| {' | '.join(cells)} |"


def render_bound_message(setting: Setting[Any]) -> str:
    """The message of a setting's bound check, as docs/checks.md quotes it."""
    return f"`{setting.full_name} is <value>; {bound_rule(setting)}.`"


# --- reading the pages ------------------------------------------------------------------------------


def sections(page: str) -> dict[str, str]:
    """The text under each ``## `` heading of a page, by heading."""
    parts = re.split(r"^## (.+)$", (DOCS.parent / page).read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {title.strip(): body for title, body in zip(parts[1::2], parts[2::2], strict=True)}


def first_paragraph(body: str) -> str:
    return " ".join(body.strip().split("\n\n")[0].split())


def sentences_naming(body: str, word: str) -> list[str]:
    text = " ".join(body.split())
    return [sentence for sentence in re.split(r"(?<=\.)\s+(?=[A-Z`\[])", text) if word in sentence]


BOUND_PHRASES = {
    "minimum": (r"\bbelow (\d+)", r"\bat least (\d+)"),
    "maximum": (r"\babove (\d+)", r"\bat most (\d+)"),
}


def bound_drift(setting: Setting[Any], text: str, where: str) -> list[str]:
    """Each bound the text states (below/at least N, above/at most N, N to M) is the declaration's."""
    problems = []
    for bound, patterns in BOUND_PHRASES.items():
        declared = getattr(setting, bound)
        for pattern in patterns:
            for found in re.findall(pattern, text):
                if int(found) != declared:
                    problems.append(f"{where} states a {bound} of {found}; {setting.full_name} declares {declared}")
    for low, high in re.findall(r"\b(\d+) to (\d+)\b", text):
        if (int(low), int(high)) != (setting.minimum, setting.maximum):
            problems.append(
                f"{where} states {low} to {high}; {setting.full_name} declares {setting.minimum} to {setting.maximum}"
            )
    return problems


def report(problems: list[str], fix: str) -> str:
    return f"{len(problems)} drift(s) from pageviews/conf.py; {fix}:\n  " + "\n  ".join(problems)


# --- the tests --------------------------------------------------------------------------------------


def test_the_settings_table_is_the_rendering_of_the_declarations() -> None:
    lines = (DOCS / "settings.md").read_text(encoding="utf-8").splitlines()
    assert TABLE_HEADER in lines, f"{SETTINGS_PAGE} has no table headed {TABLE_HEADER!r}"
    start = lines.index(TABLE_HEADER) + 2
    end = next((i for i in range(start, len(lines)) if not lines[i].startswith("|")), len(lines))
    table = lines[start:end]
    found = {m.group(1): row for row in table if (m := re.match(r"\| \[`(PAGEVIEWS_\w+)`\]", row))}
    problems = [
        f"row not naming a setting as [`PAGEVIEWS_X`](#...): {row}" for row in table if row not in found.values()
    ]
    for setting in SETTINGS:
        expected = render_row(setting)
        assert "|" not in setting.doc, f"{setting.full_name}'s doc line has a '|', which breaks the table"
        if setting.full_name not in found:
            problems.append(f"{setting.full_name} is declared but has no row; add: {expected}")
        elif found[setting.full_name] != expected:
            problems.append(
                f"{setting.full_name}'s row differs:\n    docs:     {found[setting.full_name]}"
                f"\n    declared: {expected}"
            )
    declared = [setting.full_name for setting in SETTINGS]
    problems += [f"{name} has a row but is not declared in Conf" for name in found if name not in declared]
    if not problems and list(found) != declared:
        problems.append(f"rows are not in the order of the declarations: {', '.join(declared)}")
    assert not problems, report(problems, f"make the table of {SETTINGS_PAGE} the rendering of each declaration")


def test_each_declared_setting_has_its_section_with_type_and_default() -> None:
    documented = {title for title in sections(SETTINGS_PAGE) if title.startswith("PAGEVIEWS_")}
    declared = {setting.full_name for setting in SETTINGS}
    problems = [f"{name} is declared but has no '## {name}' section" for name in sorted(declared - documented)]
    problems += [f"'## {name}' documents a setting that is not declared" for name in sorted(documented - declared)]
    for setting in SETTINGS:
        body = sections(SETTINGS_PAGE).get(setting.full_name)
        lead = f"Type {render_type(setting)}, default {render_default(setting)}"
        paragraph = first_paragraph(body or "")
        # The lead, then the end of the sentence or more words: `10` must not pass as the start of `100`.
        if body is not None and not re.match(re.escape(lead) + r"($|[.,;( ])", paragraph):
            problems.append(f"'## {setting.full_name}' should start with {lead!r}, not {paragraph[: len(lead) + 20]!r}")
    assert not problems, report(problems, f"fix the sections of {SETTINGS_PAGE}")


def test_each_check_id_has_its_section() -> None:
    documented = {title for title in sections(CHECKS_PAGE) if title.startswith("pageviews.")}
    problems = [
        f"{check} can be reported but has no '## {check}' section" for check in CHECK_IDS if check not in documented
    ]
    problems += [f"'## {check}' documents an id not in CHECK_IDS" for check in sorted(documented - set(CHECK_IDS))]
    assert not problems, report(problems, f"fix the sections of {CHECKS_PAGE}")


def test_documented_bounds_agree_with_the_declarations() -> None:
    checks = sections(CHECKS_PAGE)
    settings_sections = sections(SETTINGS_PAGE)
    problems: list[str] = []
    bounded = [setting for setting in SETTINGS if setting.bound_check]
    for check in sorted({setting.bound_check for setting in bounded if setting.bound_check}):
        group = [setting for setting in bounded if setting.bound_check == check]
        body = checks.get(check, "")
        message = " or ".join(render_bound_message(setting) for setting in group)
        if first_paragraph(body) != message:
            problems.append(f"'## {check}' should quote the message {message!r}, not {first_paragraph(body)!r}")
        for setting in group:
            if setting.full_name not in body:
                problems.append(f"'## {check}' does not name {setting.full_name}, which it checks")
            problems += bound_drift(setting, body, f"{CHECKS_PAGE} '## {check}'")
            sentences = sentences_naming(settings_sections.get(setting.full_name, ""), check)
            if not sentences:
                problems.append(f"'## {setting.full_name}' in {SETTINGS_PAGE} does not mention its check {check}")
            for sentence in sentences:
                problems += bound_drift(setting, sentence, f"{SETTINGS_PAGE} '## {setting.full_name}'")
    choices_section = checks.get("pageviews.E007", "")
    problems += [
        f"'## pageviews.E007' does not name {setting.full_name}, which has choices"
        for setting in SETTINGS
        if setting.choices and setting.full_name not in choices_section
    ]
    assert not problems, report(problems, "fix the bounds the docs state")


def test_the_renderer() -> None:
    """The rendering that the pages are compared with, on a few declarations."""
    by_name = {setting.name: setting for setting in SETTINGS}
    assert render_type(by_name["RATE_LIMIT"]) == "`int` or `None`"
    assert render_type(by_name["IP_MODE"]) == '`str`: `"anonymize"`, `"full"` or `"none"`'
    assert render_type(by_name["DOWNLOAD_EXTENSIONS"]) == "`list` or `tuple` of `str`"
    assert render_default(by_name["SESSION_COOKIE_AGE"]) == "`1800` (30 minutes)"
    assert render_default(by_name["PARAM_NAMES"]) == "`{}`"
    assert literal(("a",)) == '("a",)'
    assert render_bound_message(by_name["RETENTION_DAYS"]) == (
        "`PAGEVIEWS_RETENTION_DAYS is <value>; it must be None or 1 to 7300 days.`"
    )
    assert bound_drift(by_name["ROLLUP_TOP_N"], "an integer below 0", "x") == [
        "x states a minimum of 0; PAGEVIEWS_ROLLUP_TOP_N declares 1"
    ]
