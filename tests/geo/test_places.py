"""The offline postal code table: well-known codes, bounds, API contract."""

from __future__ import annotations

import csv
import gzip

import pytest

from marketplace.geo.places import (
    DATA_FILE,
    Place,
    all_postal_codes,
    department_places,
    distance_km,
    lookup,
)

# (lat_min, lat_max, lon_min, lon_max) by department code; "metro" for the others
BOUNDS: dict[str, tuple[float, float, float, float]] = {
    "metro": (41.3, 51.2, -5.2, 9.6),
    "971": (15.8, 16.6, -61.9, -61.0),  # Guadeloupe
    "972": (14.3, 14.9, -61.3, -60.8),  # Martinique
    "973": (2.1, 5.8, -54.7, -51.6),  # Guyane
    "974": (-21.4, -20.8, 55.2, 55.9),  # La Réunion
    "975": (46.7, 47.2, -56.5, -56.1),  # Saint-Pierre-et-Miquelon
    "976": (-13.1, -12.6, 44.9, 45.4),  # Mayotte
    "977": (17.8, 18.0, -63.0, -62.7),  # Saint-Barthélemy
    "978": (18.0, 18.2, -63.2, -62.9),  # Saint-Martin
    "986": (-14.5, -13.1, -178.3, -176.0),  # Wallis-et-Futuna
    "987": (-28.0, -7.0, -155.0, -134.0),  # Polynésie française
    "988": (-23.0, -19.0, 163.0, 169.0),  # Nouvelle-Calédonie
}

PRECISIONS = {"commune", "postal_code", "epci", "department"}


def _rows() -> list[dict[str, str]]:
    with gzip.open(DATA_FILE, mode="rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _place(code: str) -> Place:
    place = lookup(code)
    assert place is not None, code
    return place


def test_paris_first_arrondissement() -> None:
    place = _place("75001")
    assert place.city == "Paris"
    assert place.department_code == "75"
    assert place.department == "Paris"
    assert place.region_code == "11"
    assert place.region == "Île-de-France"
    assert place.lat == pytest.approx(48.86, abs=0.03)
    assert place.lon == pytest.approx(2.34, abs=0.03)
    assert place.communes == ("Paris",)
    assert place.population > 0


@pytest.mark.parametrize(
    ("code", "city", "department_code", "region"),
    [
        ("13001", "Marseille", "13", "Provence-Alpes-Côte d'Azur"),
        ("69003", "Lyon", "69", "Auvergne-Rhône-Alpes"),
        ("20000", "Ajaccio", "2A", "Corse"),
        ("97400", "Saint-Denis", "974", "La Réunion"),
        ("97200", "Fort-de-France", "972", "Martinique"),
        ("97600", "Mamoudzou", "976", "Mayotte"),
        ("97300", "Cayenne", "973", "Guyane"),
        ("97100", "Basse-Terre", "971", "Guadeloupe"),
    ],
)
def test_known_postal_codes(code: str, city: str, department_code: str, region: str) -> None:
    place = _place(code)
    assert place.postal_code == code
    assert place.city == city
    assert place.department_code == department_code
    assert place.region == region
    assert city in place.communes
    assert place.communes[0] == city


def test_shared_postal_code_lists_every_commune_biggest_first() -> None:
    place = _place("97600")  # Mamoudzou and Koungou
    assert place.communes == ("Mamoudzou", "Koungou")
    assert place.population > 50_000


def test_department_name_for_corsica() -> None:
    place = _place("20000")
    assert place.department == "Corse-du-Sud"
    assert place.region_code == "94"


@pytest.mark.parametrize("code", ["00000", "ABCDE", "", "7500", "750011", "99999", "98000"])
def test_unknown_codes(code: str) -> None:
    assert lookup(code) is None


def test_input_is_normalised() -> None:
    assert lookup(" 75 001 ") == lookup("75001")
    assert lookup("75001", country="fr") == lookup("75001")


def test_other_countries_are_not_resolved() -> None:
    assert lookup("75001", country="BE") is None
    assert lookup("75001", country="") is None


def test_distance_paris_marseille() -> None:
    paris, marseille = _place("75001"), _place("13001")
    assert distance_km(paris.lat, paris.lon, marseille.lat, marseille.lon) == pytest.approx(
        660, abs=15
    )


def test_distance_basics() -> None:
    assert distance_km(48.0, 2.0, 48.0, 2.0) == 0.0
    assert distance_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(20015, abs=5)
    assert distance_km(45.0, 5.0, 46.0, 6.0) == pytest.approx(distance_km(46.0, 6.0, 45.0, 5.0))


def test_every_row_is_well_formed_and_inside_its_territory() -> None:
    rows = _rows()
    assert rows
    for row in rows:
        code = row["postal_code"]
        assert len(code) == 5 and code.isdigit(), row
        assert len(row["insee"]) == 5, row
        assert row["city"] and row["department"] and row["region"], row
        assert row["precision"] in PRECISIONS, row
        assert int(row["population"]) >= 0, row
        dept = row["department_code"]
        lat_min, lat_max, lon_min, lon_max = BOUNDS.get(dept, BOUNDS["metro"])
        if dept not in BOUNDS:
            assert len(dept) == 2, row  # "01".."95", "2A", "2B"
        lat, lon = float(row["lat"]), float(row["lon"])
        assert lat_min <= lat <= lat_max and lon_min <= lon <= lon_max, row
        assert row["lat"] == f"{lat:.4f}" and row["lon"] == f"{lon:.4f}", row


def test_rows_are_sorted_and_unique() -> None:
    keys = [(r["postal_code"], r["insee"]) for r in _rows()]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))


def test_coverage() -> None:
    codes = all_postal_codes()
    assert len(codes) > 6000
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    communes = {r["insee"] for r in _rows()}
    assert len(communes) > 34_000


def test_department_places_cover_every_code() -> None:
    grouped = department_places()
    assert "75" in grouped and "2A" in grouped and "2B" in grouped and "976" in grouped
    assert len([d for d in grouped if len(d) == 2]) == 96  # metropolitan departments
    flattened = sorted(p.postal_code for places in grouped.values() for p in places)
    assert flattened == all_postal_codes()
    for code, places in grouped.items():
        assert all(p.department_code == code for p in places)
        assert [p.postal_code for p in places] == sorted(p.postal_code for p in places)


def test_places_are_cached_and_immutable() -> None:
    first, second = _place("69003"), _place("69003")
    assert first is second
    with pytest.raises(AttributeError):
        first.city = "Villeurbanne"  # type: ignore[misc]


def test_communes_of_the_lyon_metropole_have_their_own_centre() -> None:
    """GeoNames attaches them to Lyon (admin4 69123); the build matches them by name within
    20 km of their neighbours instead of taking the Métropole's mean (it said "à 1 km")."""
    lyon_3 = lookup("69003")
    tassin = lookup("69160")
    assert lyon_3 is not None and tassin is not None
    assert tassin.city == "Tassin-la-Demi-Lune"
    km = distance_km(lyon_3.lat, lyon_3.lon, tassin.lat, tassin.lon)
    assert 4.0 < km < 6.5, km


def test_few_postal_codes_fall_back_to_a_wider_area() -> None:
    """docs/geo.md counts them (471 of 6,309); a rebuild that loses matches fails here."""
    own = {(r["postal_code"], r["city"]) for r in _rows() if r["precision"] == "commune"}
    fallback = [
        code
        for code in all_postal_codes()
        if (code, lookup(code).city) not in own  # type: ignore[union-attr]
    ]
    assert len(fallback) <= 471, len(fallback)
