"""``PAGEVIEWS_WRITER_CLASS``: the write path is chosen by a dotted path, the way the rules get their writer."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings

from pageviews.collect.ingest import default_collaborators
from pageviews.models import App
from pageviews.storage.writer import CassandraWriter, cassandra_writer, get_writer
from tests.fakes import ListWriter


def test_the_default_is_the_cassandra_writer() -> None:
    assert isinstance(get_writer(), CassandraWriter)
    assert get_writer() is cassandra_writer is default_collaborators().writer


def test_another_class_is_instantiated_once_per_process() -> None:
    with override_settings(PAGEVIEWS_WRITER_CLASS="tests.fakes.ListWriter"):
        writer = get_writer()
        assert isinstance(writer, ListWriter)
        assert get_writer() is writer
    assert get_writer() is cassandra_writer


def test_a_bad_dotted_path_fails_loudly() -> None:
    with override_settings(PAGEVIEWS_WRITER_CLASS="tests.fakes.NoSuchWriter"), pytest.raises(ImportError):
        get_writer()


def test_the_endpoint_hands_hits_to_the_configured_writer(
    client: Client, app: App, stored: Callable[[uuid.UUID], list[Any]]
) -> None:
    with override_settings(PAGEVIEWS_WRITER_CLASS="tests.fakes.ListWriter"):
        response = client.get("/pageviews/collect/", {"app": str(app.id), "path": "/elsewhere"})
        writer = get_writer()
        assert isinstance(writer, ListWriter)
        assert response.status_code == 200
        assert [hit.path for hit in writer.hits] == ["/elsewhere"]
    assert stored(app.id) == []  # not written to Cassandra
