"""Maps drawn on the server from the vendored Natural Earth outlines."""

from __future__ import annotations

from itertools import pairwise

from archive.web.maps import Point, countries, world_map


def test_the_outlines_decode_into_every_country() -> None:
    names = {name for name, _, _ in countries()}
    assert {"Syria", "Spain", "Brazil", "Japan"} <= names
    assert len(names) > 170


def test_a_map_frames_its_points_with_the_countries_around_them() -> None:
    near = world_map([Point(35.0, 38.0, "Raqqa-like", "/places/1"), Point(36.0, 37.0, "b", "/p/2")])
    assert near is not None
    left, top, width, height = (float(v) for v in near["view"].split())
    x, y = (38.0 + 180) * 2, (90 - 35.0) * 2
    assert left < x < left + width
    assert top < y < top + height
    shown = {name for name, _ in near["countries"]}
    assert "Syria" in shown
    assert "Brazil" not in shown  # outside the frame, not sent
    assert [p["point"].href for p in near["points"]] == ["/places/1", "/p/2"]


def test_no_point_no_map_and_one_mark_per_spot() -> None:
    assert world_map([]) is None
    assert world_map([Point(95.0, 0.0, "nowhere", "/x")]) is None
    same = world_map([Point(10.0, 10.0, "a", "/a"), Point(10.0, 10.0, "b", "/b")])
    assert same is not None
    assert [p["point"].label for p in same["points"]] == ["a"]


def test_no_outline_draws_a_line_across_the_world() -> None:
    for name, path, _ in countries():
        for stretch in path.split("M")[1:]:
            xs = [float(point.split(",")[0]) for point in stretch.rstrip("Z").split("L")]
            steps = [abs(b - a) for a, b in pairwise(xs)]
            assert max(steps, default=0) <= 360, name
