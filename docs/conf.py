"""Sphinx configuration of the django-pageviews documentation (Markdown through MyST)."""

from __future__ import annotations

import re
from pathlib import Path

_INIT = Path(__file__).resolve().parent.parent / "pageviews" / "__init__.py"
_match = re.search(r'^__version__\s*=\s*["\']([^"\']+)["\']', _INIT.read_text(encoding="utf-8"), re.MULTILINE)
if _match is None:
    raise RuntimeError(f"no __version__ in {_INIT}")

project = "django-pageviews"
author = "django-pageviews contributors"
copyright = "django-pageviews contributors"
release = _match.group(1)
version = release

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

myst_heading_anchors = 3

html_theme = "furo"
html_title = f"django-pageviews {release}"
