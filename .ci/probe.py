"""Probe the archive that README's run command serves: the search page, the GraphQL API and a
search answer, and every bundled sample article imported. Exits non-zero naming what failed."""

from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent.parent / "archive" / "samples"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, f"GET {url}: {response.status}"
        return str(response.read().decode("utf-8"))


def graphql(base: str, query: str) -> dict[str, object]:
    request = urllib.request.Request(
        base + "/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.loads(response.read())
    assert "errors" not in answer, answer
    return dict(answer["data"])


def sample_articles() -> int:
    count = 0
    for path in SAMPLES.iterdir():
        if path.suffix == ".jsonl":
            count += sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        else:
            count += 1
    return count


def main() -> None:
    base = sys.argv[1].rstrip("/")
    assert "<h1" in get(base + "/"), "the home page has no heading"
    stats = graphql(base, "{ stats { articles quotes } }")["stats"]
    assert isinstance(stats, dict)
    expected = sample_articles()
    assert stats["articles"] == expected, f"{stats['articles']} articles served, {expected} samples"
    assert stats["quotes"] > 0, "no quote was extracted"
    found = graphql(base, '{ quotes(search: "airport", first: 3) { totalCount } }')["quotes"]
    assert isinstance(found, dict) and found["totalCount"] > 0, "the search found nothing"
    page = get(base + "/?" + urllib.parse.urlencode({"q": "airport"}))
    assert "<mark>" in page, "the search page marks no match"
    print(f"probe: {expected} articles, {stats['quotes']} quotes, search and pages answer")


if __name__ == "__main__":
    main()
