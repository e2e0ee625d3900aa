"""Whether a trigger reports something that happened: not denied ("has not clashed"),
hypothetical ("would", "if"), intended or urged ("vowed to retake", "urged them to fight"),
habitual ("repeatedly"), or spoken of in general ("kidnappings are commonplace", "condemned
attacks on reporters")."""

from __future__ import annotations

from typing import Any

GENERIC_WORDS = frozenset(
    "frequent numerous regular repeated occasional commonplace common rare routine "
    "widespread".split()
)


JUDGING_VERBS = frozenset("condemn denounce deplore decry criticise criticize".split())
"""Verbs of statements that judge acts in general: "condemned attacks on reporters"."""


def generic(trigger: Any) -> bool:
    """A plural noun that speaks of events in general rather than of ones that happened:
    "assassinations are a regular event", "numerous bombings", "condemned attacks on
    reporters" ("killed in clashes", "condemned Monday's attacks" are events)."""
    if trigger.pos_ != "NOUN" or trigger.tag_ != "NNS":
        return False
    if any(c.lower_ in GENERIC_WORDS for c in trigger.children if c.dep_ == "amod"):
        return True  # "frequent attacks", "numerous bombings"
    if (
        trigger.dep_ == "dobj"
        and trigger.head.lemma_ in JUDGING_VERBS
        and not any(c.dep_ in ("det", "poss", "nummod") for c in trigger.children)
    ):
        return True  # "denounced attacks on community radio stations"
    head = trigger.head
    return (
        trigger.dep_ == "nsubj"
        and head.lemma_ == "be"
        and any(c.lower_ in GENERIC_WORDS for c in head.subtree if c.dep_ in ("acomp", "amod"))
    )  # "kidnappings are commonplace", "assassinations are a regular event"


HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "will", "should", "can", "must"})
INTENT = frozenset(
    """close near poised set plan aim try seek want vow threaten prepare attempt intend hope
    expect verge brink fail refuse end stop halt prevent avoid urge call encourage exhort
    incite order instruct ask""".split()
)
"""Words that put what follows them in the future or out of reach: "close to taking Homs",
"vowed to retake", "failed to capture", "called for an end to attacks", "urged them to
fight"."""
HABITUAL = frozenset({"often", "repeatedly", "frequently", "regularly", "routinely"})


def _habitual(trigger: Any) -> bool:
    """What has happened "in the past" or "repeatedly" is a history, not one event."""
    for child in trigger.children:
        if child.dep_ == "advmod" and child.lower_ in HABITUAL:
            return True
        if (
            child.dep_ == "prep"
            and child.lower_ in ("in", "over")
            and any(
                o.dep_ == "pobj" and o.lower_ in ("past", "years", "decades")
                for o in child.children
            )
        ):
            return True
    return False


def unrealised(trigger: Any) -> bool:
    """What may, would or could happen, happens only "if", is denied or only intended is not
    an event: "taking Homs would cut supply routes", "will defend itself if attacked", "has
    not clashed", "withdrew without a fight", "very close to taking control", "the battle for
    Homs will be a test"."""
    if _habitual(trigger):
        return True
    node = trigger
    for _ in range(4):
        for child in node.children:
            if child.dep_ == "aux" and child.lower_ in HYPOTHETICAL_AUX:
                return True
            if child.dep_ == "mark" and child.lower_ in ("if", "unless", "whether"):
                return True
            if child.dep_ == "neg":
                return True
        # "close to taking", not "closing its border as rebels seized"
        if (
            node is not trigger
            and node.lemma_ in INTENT
            and (node.lemma_ not in ("close", "near") or node.pos_ in ("ADJ", "ADV"))
        ):
            return True
        if node.dep_ == "pobj" and node.head.lower_ == "without":
            return True
        climbs = node.dep_ in ("csubj", "xcomp", "pcomp", "advcl", "pobj") or (
            node.pos_ == "ADP" and node.dep_ == "prep"
        )
        # a noun trigger is as real as the verb it is the subject of
        climbs = climbs or (node is trigger and node.pos_ == "NOUN" and node.dep_ == "nsubj")
        if not climbs or node.head is node:
            return False
        node = node.head
    return False
