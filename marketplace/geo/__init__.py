"""French geography: postal codes to places and distances (offline, see ``places``)."""

from .places import (
    Place,
    all_postal_codes,
    department_places,
    distance_km,
    lookup,
)

__all__ = ["Place", "all_postal_codes", "department_places", "distance_km", "lookup"]
