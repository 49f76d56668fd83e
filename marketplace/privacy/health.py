"""Health data (données de santé): where patient data may be posted.

Patient data may only be stored by a certified health-data host (hébergeur de données de
santé, HDS: Code de la santé publique art. L1111-8). A mission whose specialty is
`medical` says so on its page and above the conversation composer: "warning" (do not post
patient data in messages or files) unless the install declares itself HDS-hosted with
`HDS_HOSTED=true`, then "hosted" (a line saying so). Other missions: no notice.
"""

from __future__ import annotations

from typing import Literal

from flask import current_app

from marketplace.missions.models import Mission

MEDICAL = "medical"


def hds_hosted() -> bool:
    return bool(current_app.config["MARKETPLACE_SETTINGS"].hds_hosted)


def health_data_notice(mission: Mission) -> Literal["warning", "hosted"] | None:
    if mission.specialty != MEDICAL:
        return None
    return "hosted" if hds_hosted() else "warning"
