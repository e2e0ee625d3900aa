"""Word lists the rules rely on: speech verbs, role nouns, kinds of actors.

These are general lexical facts of news English, not facts about any one article.
"""

from __future__ import annotations

import re

SPEECH_LEMMAS = frozenset(
    """say tell add note warn claim announce argue insist explain state report declare
    acknowledge admit write tweet post suggest confirm reply respond ask urge stress vow
    promise predict caution complain concede contend assert maintain recall remark
    reiterate repeat testify told describe call charge allege deny emphasize emphasise
    observe quip joke boast counter continue conclude mention indicate shout yell demand
    retort exclaim scoff wonder lament plead whisper chant snap muse recount proclaim pledge
    assure agree exhort blast slam criticize criticise accuse condemn denounce praise laud
    hail blame mock ridicule dismiss rule""".split()
)
"""Lemmas of verbs that introduce what someone said."""

REPORT_LEMMAS = SPEECH_LEMMAS - frozenset({"describe", "call", "continue", "ask", "urge"})
"""Speech verbs whose clausal complement is reported speech ("said that …")."""

ROLE_NOUNS = frozenset(
    """head chief leader commander spokesman spokeswoman spokesperson president minister
    secretary director chairman chairwoman chair official officer general governor mayor
    senator representative rep congressman congresswoman ambassador envoy adviser advisor
    aide activist editor founder analyst researcher expert professor candidate nominee
    manager strategist lawyer attorney judge king prince emir sheikh premier chancellor
    ceo executive coordinator organizer organiser member correspondent reporter journalist
    monitor witness resident colonel major captain lieutenant sergeant admiral marshal
    justice""".split()
)
"""Nouns naming a person by their role ("the head of the group", "SDF chief X")."""

KIN_NOUNS = frozenset(
    """wife husband son daughter niece nephew brother sister mother father cousin uncle aunt
    widow widower grandson granddaughter stepson stepdaughter ex-wife ex-husband""".split()
)
"""Nouns naming a person by their kin: with a possessor ("Scott's niece") someone else."""

PERSON_NOUNS = ROLE_NOUNS | KIN_NOUNS
"""Nouns naming a person by role or kin: with a possessor ("Obama's strategist") someone
other than the possessor."""

PERSON_TITLES = frozenset(
    """mr mrs ms miss dr president prime minister sen senator rep representative gov governor
    gen general col colonel lt capt sgt adm sheikh king queen prince princess pope judge
    justice mayor chancellor secretary ambassador maj spc pfc cpl pvt cmdr cdr""".split()
)

PARTY_TAG = re.compile(r"^[DRI]-[A-Z]")
"""A lawmaker's party and state or district, "(D-Newport News)", "(R-Utah)": no actor."""

TITLE_ROLES = {
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "gen": "general",
    "lt": "lieutenant",
    "col": "colonel",
    "capt": "captain",
    "sgt": "sergeant",
    "maj": "major",
    "spc": "specialist",
    "pfc": "private",
    "cpl": "corporal",
    "pvt": "private",
    "cmdr": "commander",
    "cdr": "commander",
    "adm": "admiral",
    "pres": "president",
    "sec": "secretary",
    "amb": "ambassador",
    "atty": "attorney",
}
"""The role an abbreviated title before a name states ("Gov. Mike Pence" is a governor)."""

INDEFINITE_SOURCES = frozenset(
    """source sources official officials witness witnesses resident residents activist
    activists analyst analysts people someone observers critics experts diplomats aides
    insiders report reports""".split()
)
"""Heads of anonymous attributions: "sources said", "two witnesses said"."""

DOCUMENT_NOUNS = frozenset(
    """report study survey poll article story memo letter statement brief complaint filing
    lawsuit suit database analysis editorial ad advertisement website site release document
    audit review investigation column op-ed blog post tweet email speech remarks testimony
    address spot video clip footage film documentary segment episode broadcast""".split()
)
"""Writings and speeches that speak for their author: "a new report by Politico", "Ivana
Trump's brief", "a speech Ms. Lopez delivered"."""

OWN_ORGANIZATIONS = frozenset({"campaign", "administration"})
"""Organisations named after the person they serve ("the Trump campaign")."""

ARMED_WORDS = frozenset(
    """army armies forces force militia militias brigade brigades battalion rebels rebel
    fighters insurgents guerrillas front jihadists regiment troops corps guard guards
    mujahideen""".split()
)

ARMED_NAME_OPENERS = frozenset(
    """jaish jaysh jeish liwa liwaa kataib katibat saraya faylaq failaq firqat firqa jund ansar
    harakat haraka jabhat jabhet jabha ahrar asaib quwat""".split()
)
"""Transliterated Arabic words for an armed body that open its name: army (jaish), brigade
(liwa), battalions (kataib), companies (saraya), corps (faylaq), division (firqat), soldiers
(jund), partisans (ansar), movement (harakat), front (jabhat), free men (ahrar), leagues
(asaib), forces (quwat)."""

MEDIA_WORDS = frozenset(
    """news newspaper times post journal tribune herald gazette telegraph guardian agency
    press tv television radio channel broadcaster network magazine daily weekly monitor
    observer chronicle wire reuters bulletin dispatch""".split()
)

COLLECTIVES = {
    "protester": ("Protesters", "group"),
    "protestor": ("Protesters", "group"),
    "demonstrator": ("Protesters", "group"),
    "rioter": ("Rioters", "group"),
    "striker": ("Strikers", "group"),
    "police": ("Police", "organization"),
    "policeman": ("Police", "organization"),
    "settler": ("Settlers", "group"),
}
"""Collective actors named by what they do, as ACLED codes them ("Protesters", "Police")."""

PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_GROUP = frozenset({"they", "we", "it"})
