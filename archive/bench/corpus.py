"""A deterministic synthetic news corpus, for benchmarks and load tests.

``articles(count, seed=…, annotated=…)`` yields article records as the importer reads them
from JSONL: wire-style conflict and politics reports of about 350 to 900 words, dated over
2019–2024, from a dozen outlets. Each has direct quotes in several attribution styles (“…,” X
said / “…,” said X, the role of Y / X said: “…” / X, who …, said “…” / a quote continuing the
previous speaker) and reported speech (X said that … / according to X, …); recurring actors
under spelling variants and acronyms (“Hayat Tahrir al-Sham”, “HTS”; “al-Qaeda”,
“al-Qaida”); places with coordinates; and events (who did what to whom, where, when).

With ``annotated=True`` every record also carries its quotes, actors, places and events with
their character offsets, so the importer stores them without running the extraction.

Article ``i`` depends only on ``seed`` and ``i``: the first thousand articles of a corpus of
a million are the corpus of a thousand.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

FIRST_NAMES = """Ahmed Omar Layla Nour Samir Hassan Rania Karim Yusuf Mariam Daniel Sarah
Michael Anna David Elena Thomas Maria James Laura Ivan Olga Pierre Claire Kofi Amina Juan
Lucia Wei Mei Ravi Priya Tomas Ingrid Mehmet Ayse Dmitri Svetlana Kwame Zainab""".split()
LAST_NAMES = """Haddad Khalil Mansour Saleh Nasser Farouk Aziz Darwish Karimi Rahimi Miller
Novak Petrov Dubois Garcia Rossi Schneider Kowalski Okafor Mensah Tanaka Chen Sharma Silva
Larsen Yilmaz Ivanova Moreau Fischer Romero Adeyemi Boateng Hussein Jaber Sabbagh Qasim
Obeid Tamimi Barakat Zidan""".split()
ROLES = """spokesman spokeswoman commander minister adviser director analyst researcher
governor mayor envoy lawmaker""".split()

# (canonical name, kind, variants as they appear in text)
ORGANIZATIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Hayat Tahrir al-Sham", "armed_group", ("Hayat Tahrir al-Sham", "HTS", "Tahrir al-Sham")),
    ("Syrian Democratic Forces", "armed_group", ("Syrian Democratic Forces", "SDF")),
    ("al-Qaeda", "armed_group", ("al-Qaeda", "al-Qaida", "Al Qaeda")),
    ("Islamic State", "armed_group", ("Islamic State", "IS", "ISIS")),
    ("Hezbollah", "armed_group", ("Hezbollah", "Hizbollah")),
    ("Houthis", "armed_group", ("Houthis", "Ansar Allah")),
    ("United Nations", "organization", ("United Nations", "UN")),
    ("World Health Organization", "organization", ("World Health Organization", "WHO")),
    ("European Union", "organization", ("European Union", "EU")),
    ("Red Cross", "organization", ("Red Cross", "ICRC")),
    ("Amnesty International", "organization", ("Amnesty International", "Amnesty")),
    (
        "Syrian Observatory for Human Rights",
        "organization",
        ("Syrian Observatory for Human Rights", "the Observatory"),
    ),
    ("Iran", "state", ("Iran", "Tehran")),
    ("Russia", "state", ("Russia", "Moscow")),
    ("Turkey", "state", ("Turkey", "Ankara", "Türkiye")),
    ("United States", "state", ("United States", "Washington", "US")),
    ("Israel", "state", ("Israel",)),
    ("Ukraine", "state", ("Ukraine", "Kyiv")),
]
_ORGANIZATION = {name: (kind, variants) for name, kind, variants in ORGANIZATIONS}
"""Kind and spellings of each organisation, by canonical name."""
OUTLETS = [
    ("Reuters", "reuters.com"),
    ("Agence France-Presse", "afp.com"),
    ("Associated Press", "apnews.com"),
    ("Al Jazeera", "aljazeera.com"),
    ("BBC News", "bbc.co.uk"),
    ("The Guardian", "theguardian.com"),
    ("Le Monde", "lemonde.fr"),
    ("Deutsche Welle", "dw.com"),
    ("The National", "thenationalnews.com"),
    ("Kyiv Independent", "kyivindependent.com"),
    ("Middle East Eye", "middleeasteye.net"),
    ("Enab Baladi", "enabbaladi.net"),
]
# (name, variants, country, lat, lon)
PLACES: list[tuple[str, tuple[str, ...], str, float, float]] = [
    ("Aleppo", ("Aleppo", "Halab"), "SY", 36.2021, 37.1343),
    ("Damascus", ("Damascus",), "SY", 33.5102, 36.2913),
    ("Homs", ("Homs",), "SY", 34.7268, 36.7234),
    ("Hama", ("Hama", "Hamah"), "SY", 35.1318, 36.7578),
    ("Idlib", ("Idlib", "Idleb"), "SY", 35.9306, 36.6339),
    ("Suwayda", ("Suwayda", "Sweida", "As-Suwayda"), "SY", 32.7090, 36.5695),
    ("Deir ez-Zor", ("Deir ez-Zor", "Deir Ezzor"), "SY", 35.3359, 40.1408),
    ("Raqqa", ("Raqqa", "Ar-Raqqah"), "SY", 35.9528, 39.0079),
    ("Daraa", ("Daraa", "Deraa"), "SY", 32.6189, 36.1021),
    ("Beirut", ("Beirut",), "LB", 33.8889, 35.4944),
    ("Baghdad", ("Baghdad",), "IQ", 33.3406, 44.4009),
    ("Mosul", ("Mosul",), "IQ", 36.3350, 43.1189),
    ("Sanaa", ("Sanaa", "Sana'a"), "YE", 15.3547, 44.2066),
    ("Aden", ("Aden",), "YE", 12.7794, 45.0367),
    ("Gaza", ("Gaza",), "PS", 31.5017, 34.4668),
    ("Kharkiv", ("Kharkiv", "Kharkov"), "UA", 49.9808, 36.2527),
    ("Odesa", ("Odesa", "Odessa"), "UA", 46.4775, 30.7326),
    ("Kherson", ("Kherson",), "UA", 46.6354, 32.6169),
    ("Tripoli", ("Tripoli",), "LY", 32.8872, 13.1913),
    ("Khartoum", ("Khartoum",), "SD", 15.5518, 32.5324),
]
EVENTS = [
    # (kind, sub kind, sentence template: {a} actor1, {b} actor2, {p} place, {d} when)
    (
        "capture",
        "non_state_actor_overtakes_territory",
        "{a} fighters captured {p} {d}, taking control of the city from {b}.",
    ),
    ("clash", "armed_clash", "{a} and {b} clashed near {p} {d}."),
    ("airstrike", "air_drone_strike", "Warplanes of {a} struck positions of {b} in {p} {d}."),
    ("shelling", "shelling_artillery_missile_attack", "{a} shelled {p} {d}, targeting {b}."),
    ("withdrawal", "government_regains_territory", "{b} withdrew from {p} {d} as {a} advanced."),
    ("protest", "peaceful_protest", "Hundreds of people protested in {p} {d} against {a}."),
    ("attack", "attack", "Gunmen from {a} attacked a checkpoint of {b} in {p} {d}."),
]
QUOTE_OPENERS = """We will not abandon | There is no military solution to | Nobody can ignore
| The people of this city deserve | We have warned for months about | History will judge |
Our forces are ready to defend | The international community must act on | We call for an
immediate end to | This is a dangerous escalation of | We are deeply concerned about | The
situation is deteriorating because of | We have documented | There can be no peace without
| Civilians are paying the price for""".split("|")
QUOTE_OBJECTS = """the siege | the humanitarian corridor | the ceasefire agreement | the
negotiations in Geneva | the displaced families | the shortage of medicine | the attacks on
hospitals | the blockade of the port | the prisoners held without charge | the reconstruction
of the old city | the shelling of residential areas | the collapse of the currency | the
water supply | the schools that remain closed | the refugees returning home""".split("|")
QUOTE_TAILS = """and we will hold those responsible to account. | before the winter comes. |
whatever the cost. | and the world is watching. | as long as it takes. | in the coming
days. | without further delay. | and that is unacceptable. | while there is still time. |
and everyone knows it.""".split("|")
REPORTED = """the talks would resume next week | the offensive had been halted |
more than {n} families had fled the fighting | aid convoys were blocked at the crossing |
the death toll had risen to {n} | the government had agreed to release {n} detainees |
the border crossing would reopen | prices of bread had doubled since the spring |
the militia had withdrawn its heavy weapons | a new round of sanctions was being prepared""".split(
    "|"
)
FILLER = """Residents described long queues for bread and fuel, and many shops remained
closed. | The fighting has displaced tens of thousands of people over the past year, according
to aid agencies. | Electricity returned for only a few hours a day in most neighbourhoods. |
Schools in the area have been closed since the start of the month. | Roads leading out of
the city were crowded with cars and trucks carrying families and their belongings. | Local
councils have appealed for medical supplies and blood donations. | Satellite images showed
damage to several buildings near the main square. | Prices of basic goods have risen sharply
since the currency lost half of its value. | Diplomats said a meeting of foreign ministers
was planned for later in the month. | Humanitarian workers said access to the area remained
difficult.""".split("|")
DAY_WORDS = (
    "on Monday",
    "on Tuesday",
    "on Wednesday",
    "on Thursday",
    "on Friday",
    "on Saturday",
    "on Sunday",
    "overnight",
    "this morning",
    "last week",
)
EPOCH = date(2019, 1, 1)
DAYS = (date(2024, 12, 31) - EPOCH).days


def _clean(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _Person:
    name: str
    surname: str
    role: str
    organization: str


@lru_cache(maxsize=4)
def _people(seed: int) -> list[_Person]:
    """A fixed cast of 600 people, each with a role in one organisation."""
    rng = random.Random(f"{seed}:people")
    people: list[_Person] = []
    seen: set[tuple[str, str]] = set()
    while len(people) < 600:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if (first, last) in seen:
            continue
        seen.add((first, last))
        organization = rng.choice(ORGANIZATIONS)[0]
        people.append(_Person(f"{first} {last}", last, rng.choice(ROLES), organization))
    return people


class _Writer:
    """Builds one article's text and, as it goes, the offsets of what it says."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.quotes: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.actors: dict[str, dict[str, Any]] = {}
        self.places: dict[str, dict[str, Any]] = {}

    def write(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def paragraph_break(self) -> None:
        self.write("\n\n")

    def quote(self, text: str, speaker: str, direct: bool, start: int, cue: str) -> None:
        self.quotes.append(
            {
                "text": text,
                "speaker": speaker,
                "direct": direct,
                "cue": cue,
                "start": start,
                "end": start + len(text),
            }
        )

    def actor(self, name: str, kind: str, alias: str | None = None, **extra: Any) -> None:
        entry = self.actors.setdefault(name, {"name": name, "kind": kind, "aliases": []})
        if alias and alias != name and alias not in entry["aliases"]:
            entry["aliases"].append(alias)
        entry.update(extra)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def article(index: int, *, seed: int = 0, annotated: bool = False) -> dict[str, Any]:
    """Article ``index`` of the corpus ``seed``, as a JSON-ready record."""
    rng = random.Random(f"{seed}:{index}")
    people = _people(seed)
    cast = rng.sample(people, 4)
    fighters = [o for o in ORGANIZATIONS if o[1] in ("armed_group", "state")]
    groups = [*rng.sample(fighters, 2), rng.choice(ORGANIZATIONS)]
    place = rng.choice(PLACES)
    outlet, domain = rng.choice(OUTLETS)
    published = EPOCH + timedelta(days=rng.randrange(DAYS))
    out = _Writer()

    def person_intro(person: _Person, variant: str) -> str:
        out.actor(
            person.name,
            "person",
            affiliations=[{"organization": person.organization, "role": person.role}],
        )
        out.actor(person.organization, _ORGANIZATION[person.organization][0], variant)
        article = "an" if person.role[0] in "aeiou" else "a"
        return f"{person.name}, {article} {person.role} for {variant},"

    def quote_text() -> str:
        # some quotes name the place, so that searches range from common words to rarer names
        where = f" in {rng.choice(place[1])}" if rng.random() < 0.4 else ""
        return _clean(
            f"{rng.choice(QUOTE_OPENERS)} {rng.choice(QUOTE_OBJECTS)}{where} "
            f"{rng.choice(QUOTE_TAILS)}"
        )

    paragraphs = rng.randint(10, 22)
    introduced: set[str] = set()

    def speaker(person: _Person) -> str:
        """The person's full introduction the first time, the surname after."""
        if person.name in introduced:
            return person.surname
        introduced.add(person.name)
        return person_intro(person, rng.choice(_ORGANIZATION[person.organization][1]))

    for number in range(paragraphs):
        if number:
            out.paragraph_break()
        style = rng.random()
        person = rng.choice(cast)
        if number == 0 or (style < 0.2 and len(out.events) < 3):
            _event_paragraph(rng, out, groups, place, published)
            continue
        if style >= 0.72:
            _background_paragraph(rng, out, groups, style)
            continue
        who = speaker(person)
        if style < 0.40:
            words = quote_text()
            out.write("“")
            start, _ = out.write(words[:-1] + ",")
            out.write(f"” {who} said.")
            out.quote(words[:-1] + ",", person.name, True, start, "said")
        elif style < 0.52:
            words = quote_text()
            out.write(f"{who} said: “")
            start, _ = out.write(words)
            out.write("”")
            out.quote(words, person.name, True, start, "said")
        elif style < 0.62:
            words = quote_text()
            out.write("“")
            start, _ = out.write(words[:-1] + ",")
            out.write(f"” said {who.rstrip(',')}. ")
            follow = quote_text()
            out.write("“")
            second, _ = out.write(follow)
            out.write("”")
            out.quote(words[:-1] + ",", person.name, True, start, "said")
            out.quote(follow, person.name, True, second, "said")
        elif style < 0.72:
            claim = _clean(rng.choice(REPORTED)).format(n=rng.randint(3, 900))
            out.write(f"{who} told {outlet} that ")
            start, _ = out.write(claim)
            out.write(".")
            out.quote(claim, person.name, False, start, "told")
    title = f"{groups[0][0]} and {place[0]}: {_clean(rng.choice(QUOTE_OBJECTS))}"
    record: dict[str, Any] = {
        "url": f"https://{domain}/{published:%Y/%m/%d}/story-{seed}-{index}",
        "title": title[:1].upper() + title[1:],
        "published": published.isoformat(),
        "source": outlet,
        "text": out.text,
    }
    if annotated:
        record["quotes"] = out.quotes
        record["actors"] = list(out.actors.values())
        record["places"] = list(out.places.values())
        record["events"] = out.events
    return record


def _background_paragraph(
    rng: random.Random,
    out: _Writer,
    groups: list[tuple[str, str, tuple[str, ...]]],
    style: float,
) -> None:
    """Reported speech from an organisation ("According to HTS, …"), or background."""
    if style < 0.80:
        claim = _clean(rng.choice(REPORTED)).format(n=rng.randint(3, 900))
        source, kind, variants = rng.choice(groups)
        alias = rng.choice(variants)
        out.actor(source, kind, alias)
        out.write(f"According to {alias}, ")
        start, _ = out.write(claim)
        out.write(".")
        out.quote(claim, source, False, start, "according to")
        return
    out.write(" ".join(_clean(f) for f in rng.sample(FILLER, rng.randint(3, 6))))


def _event_paragraph(
    rng: random.Random,
    out: _Writer,
    groups: list[tuple[str, str, tuple[str, ...]]],
    place: tuple[str, tuple[str, ...], str, float, float],
    published: date,
) -> None:
    kind, sub_kind, template = rng.choice(EVENTS)
    (a, a_kind, a_variants), (b, b_kind, b_variants) = groups[0], groups[1]
    a_text, b_text = rng.choice(a_variants), rng.choice(b_variants)
    place_name, place_variants, country, lat, lon = place
    place_text = rng.choice(place_variants)
    when = rng.choice(DAY_WORDS)
    sentence = template.format(a=a_text, b=b_text, p=place_text, d=when)
    sentence = sentence[:1].upper() + sentence[1:]
    killed = rng.randint(0, 40)
    if killed and kind not in ("protest", "withdrawal"):
        sentence += f" At least {killed} people were killed, according to local officials."
    start, end = out.write(sentence)
    out.actor(a, a_kind, a_text)
    out.actor(b, b_kind, b_text)
    entry = out.places.setdefault(
        place_name,
        {
            "name": place_name,
            "aliases": [],
            "country": country,
            "lat": lat,
            "lon": lon,
            "kind": "city",
        },
    )
    if place_text != place_name and place_text not in entry["aliases"]:
        entry["aliases"].append(place_text)
    out.events.append(
        {
            "kind": kind,
            "sub_kind": sub_kind,
            "date": published.isoformat(),
            "date_precision": "day",
            "place": place_name,
            "actors": [{"name": a, "role": "actor1"}, {"name": b, "role": "actor2"}],
            "fatalities": killed if "killed" in sentence else None,
            "evidence": sentence,
            "start": start,
            "end": end,
        }
    )


def articles(count: int, *, seed: int = 0, annotated: bool = False) -> Iterator[dict[str, Any]]:
    """The first ``count`` articles of the corpus ``seed``."""
    for index in range(count):
        yield article(index, seed=seed, annotated=annotated)


def write_jsonl(
    target: Path | TextIO, count: int, *, seed: int = 0, annotated: bool = False
) -> int:
    """Write the corpus as JSONL to a path or an open text file; returns the bytes written."""
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8") as handle:
            return write_jsonl(handle, count, seed=seed, annotated=annotated)
    written = 0
    for record in articles(count, seed=seed, annotated=annotated):
        line = json.dumps(record, ensure_ascii=False) + "\n"
        target.write(line)
        written += len(line.encode("utf-8"))
    return written
