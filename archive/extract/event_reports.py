"""One event, several reports: an article that tells of an attack in its first sentence and
gives the toll in its fourth holds one event, with the actors of both and the better evidence.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from archive.records import EventRecord


def merge_into(events: list[EventRecord], event: EventRecord, published: datetime | None) -> None:
    """Add ``event`` to ``events``, or fold it into the one it reports again: the same kind
    at the same place on a date that agrees."""
    for earlier in events:
        if (
            earlier.kind == event.kind
            and earlier.place == event.place
            and (event.place is not None or earlier.start == event.start)
            and _same_time(earlier, event, published)
        ):
            names = {a.name for a in earlier.actors}
            earlier.actors += [a for a in event.actors if a.name not in names]
            if earlier.fatalities is None or (event.fatalities or 0) > earlier.fatalities:
                earlier.fatalities = event.fatalities
                if event.fatalities is not None:
                    # the sentence that gives the toll is the better evidence
                    earlier.evidence, earlier.start, earlier.end = (
                        event.evidence,
                        event.start,
                        event.end,
                    )
            if earlier.date_precision == "week" and event.date_precision != "week":
                earlier.date, earlier.date_precision = event.date, event.date_precision
            return
    events.append(event)


def _same_time(a: EventRecord, b: EventRecord, published: datetime | None) -> bool:
    """Two reports agree on when: the same date, or one dated only by the publication week
    and the other within that week."""
    if (a.date, a.date_precision) == (b.date, b.date_precision):
        return True
    if published is None or a.date is None or b.date is None:
        return False
    day = published.date()
    for default, other in ((a, b), (b, a)):
        if (
            default.date_precision == "week"
            and default.date == day
            and other.date_precision in ("day", "week")
            and other.date is not None
            and timedelta(0) <= day - other.date <= timedelta(days=6)
        ):
            return True
    return False
