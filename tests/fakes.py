"""Fake collaborators of the collection rules: a writer that keeps hits in lists."""

from __future__ import annotations

import uuid

from pageviews.collect.hits import Engagement, Event, Hit


class ListWriter:
    """A :class:`pageviews.collect.ingest.HitWriter` that keeps what it is given (no Cassandra)."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.events: list[Event] = []
        self.engagements: list[Engagement] = []

    def save(self, hit: Hit) -> uuid.UUID:
        self.hits.append(hit)
        return uuid.uuid1()

    def save_event(self, event: Event) -> uuid.UUID:
        self.events.append(event)
        return uuid.uuid1()

    def save_engagement(self, engagement: Engagement) -> None:
        self.engagements.append(engagement)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        return True

    def counts(self) -> dict[str, int]:
        return {"saved": len(self.everything)}

    @property
    def everything(self) -> list[object]:
        return [*self.hits, *self.events, *self.engagements]
