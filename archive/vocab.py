"""Controlled vocabularies: actor kinds, date precisions, quote origins, event kinds.

Event kinds are the archive's own, finer than ACLED's where news needs it (an advance is not a
battle), and each maps to one ACLED event type and sub-event type so that records can be
compared with or exported to the ACLED codebook.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTOR_KINDS = ("person", "organization", "state", "armed_group", "group", "media", "other")
"""``group`` is a community (Kurds, Alawites, voters); ``armed_group`` fights (militias, rebels)."""

DATE_PRECISIONS = ("time", "day", "week", "month", "year")
"""How much of a date is known: ``month`` means only year and month are meaningful."""

ORIGINS = ("extracted", "imported", "curated")
"""How a record was obtained: by the pipeline, given in an imported file, or fixed by a person."""

PARTICIPANT_ROLES = ("actor1", "actor2", "associated")
"""ACLED's roles: actor1 acts, actor2 is acted upon, associated actors take part alongside."""

MENTION_KINDS = ("actor", "place")

TOKEN_ROLES = ("editor", "admin")
"""What an API token may change: an editor fixes quotes, speakers and aliases and imports
articles; an admin may also merge actors and delete articles."""


@dataclass(frozen=True)
class EventKind:
    """One kind of event and where it sits in ACLED's codebook."""

    name: str
    description: str
    acled_event_type: str
    acled_sub_event_type: str


EVENT_KINDS: dict[str, EventKind] = {
    kind.name: kind
    for kind in (
        EventKind("clash", "Armed groups fight each other.", "Battles", "Armed clash"),
        EventKind(
            "capture",
            "An armed actor takes control of a place.",
            "Battles",
            "Non-state actor overtakes territory",
        ),
        EventKind(
            "recapture",
            "Government forces regain control of a place.",
            "Battles",
            "Government regains territory",
        ),
        EventKind(
            "withdrawal",
            "Forces leave a place without a fight.",
            "Strategic developments",
            "Non-violent transfer of territory",
        ),
        EventKind(
            "advance",
            "Forces move towards a place.",
            "Strategic developments",
            "Change to group/activity",
        ),
        EventKind(
            "airstrike",
            "Strikes from aircraft or drones.",
            "Explosions/Remote violence",
            "Air/drone strike",
        ),
        EventKind(
            "shelling",
            "Artillery, rocket or missile fire.",
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
        ),
        EventKind(
            "bombing",
            "Explosives, suicide bombs or IEDs.",
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
        ),
        EventKind(
            "attack",
            "Violence against civilians.",
            "Violence against civilians",
            "Attack",
        ),
        EventKind(
            "abduction",
            "People are abducted or disappear.",
            "Violence against civilians",
            "Abduction/forced disappearance",
        ),
        EventKind("protest", "People demonstrate peacefully.", "Protests", "Peaceful protest"),
        EventKind("riot", "A violent demonstration.", "Riots", "Violent demonstration"),
        EventKind("arrest", "Authorities detain people.", "Strategic developments", "Arrests"),
        EventKind(
            "border_closure",
            "A state closes a border or crossing.",
            "Strategic developments",
            "Other",
        ),
        EventKind(
            "agreement", "Parties agree a ceasefire or deal.", "Strategic developments", "Agreement"
        ),
        EventKind(
            "other", "A political or military development.", "Strategic developments", "Other"
        ),
    )
}


CONFIDENT = 0.75
"""The confidence from which an extracted quote or event is shown as sure: below it, it is
marked as unsure on the pages, waits in the review queue, and can be left out of a search."""
