"""Offline French postal code -> place table (city, department, region, coordinates).

The data lives in ``data/places.csv.gz``, one row per (postal code, commune), rebuilt by
``scripts/build_places.py`` from the INSEE Code officiel géographique (communes, their postal
codes and populations, via ``@etalab/decoupage-administratif``) and GeoNames ``cities500``
(coordinates, CC BY 4.0, "geo data via GeoNames.org"). Columns:

``postal_code, insee, city, department_code, department, region_code, region, lat, lon,
precision, population``

* ``precision`` says where the commune's coordinates come from: ``commune`` (its own GeoNames
  place), ``postal_code`` (mean of the located communes sharing its postal code), ``epci``
  (mean of the located communes of its intercommunalité) or ``department`` (mean of the
  department's located communes).
* ``population`` is the commune's population split evenly across its postal codes (for Paris,
  Lyon and Marseille: the arrondissements' populations), so it adds up per postal code.

Metropolitan France, the DROM (971-974, 976) and the overseas collectivities that have postal
codes (975, 977, 978, 986, 987, 988) are covered. Monaco is not French and is not in the table.
"""

from __future__ import annotations

import csv
import functools
import gzip
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DATA_FILE",
    "Place",
    "all_postal_codes",
    "department_places",
    "distance_km",
    "lookup",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "places.csv.gz"

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius


@dataclass(frozen=True, slots=True)
class Place:
    """What a French postal code resolves to."""

    postal_code: str
    city: str  # the most populated commune served by the postal code
    department_code: str  # "75", "2A", "971"
    department: str  # "Paris"
    region_code: str  # "11"; for overseas collectivities the territory code ("987")
    region: str  # "Île-de-France"
    lat: float  # coordinates of ``city`` (of the arrondissement in Paris, Lyon, Marseille)
    lon: float
    communes: tuple[str, ...]  # every commune served, most populated first (``city`` first)
    population: int = 0  # inhabitants of the postal code (commune populations apportioned)


@dataclass(frozen=True, slots=True)
class _Row:
    postal_code: str
    insee: str
    city: str
    department_code: str
    department: str
    region_code: str
    region: str
    lat: float
    lon: float
    population: int


def _read_rows(path: Path) -> list[_Row]:
    with gzip.open(path, mode="rt", encoding="utf-8", newline="") as fh:
        return [
            _Row(
                postal_code=r["postal_code"],
                insee=r["insee"],
                city=r["city"],
                department_code=r["department_code"],
                department=r["department"],
                region_code=r["region_code"],
                region=r["region"],
                lat=float(r["lat"]),
                lon=float(r["lon"]),
                population=int(r["population"] or 0),
            )
            for r in csv.DictReader(fh)
        ]


@functools.cache
def _places() -> dict[str, Place]:
    """All places keyed by postal code, loaded once (sorted by postal code)."""
    rows = _read_rows(DATA_FILE)
    # a commune's whole population, whatever postal code share each row carries
    commune_population: dict[str, int] = defaultdict(int)
    for row in rows:
        commune_population[row.insee] += row.population
    by_code: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_code[row.postal_code].append(row)

    places: dict[str, Place] = {}
    for code in sorted(by_code):
        members = sorted(
            by_code[code], key=lambda r: (-commune_population[r.insee], r.city, r.insee)
        )
        main = members[0]
        places[code] = Place(
            postal_code=code,
            city=main.city,
            department_code=main.department_code,
            department=main.department,
            region_code=main.region_code,
            region=main.region,
            lat=main.lat,
            lon=main.lon,
            communes=tuple(dict.fromkeys(r.city for r in members)),
            population=sum(r.population for r in members),
        )
    return places


def _normalise_postal_code(postal_code: str) -> str:
    return "".join(postal_code.split())


def lookup(postal_code: str, country: str = "FR") -> Place | None:
    """The place a French postal code resolves to, or None (unknown code, other country).

    Spaces are ignored ("75 001"); the country is an ISO 3166 alpha-2 code, any case.
    """
    if country.strip().upper() != "FR":
        return None
    code = _normalise_postal_code(postal_code)
    if len(code) != 5 or not code.isascii() or not code.isdigit():
        return None
    return _places().get(code)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def all_postal_codes() -> list[str]:
    """Every known postal code, sorted."""
    return list(_places())


def department_places() -> dict[str, list[Place]]:
    """Places grouped by department code (keys and each list sorted by postal code)."""
    grouped: dict[str, list[Place]] = defaultdict(list)
    for place in _places().values():
        grouped[place.department_code].append(place)
    return {code: grouped[code] for code in sorted(grouped)}
