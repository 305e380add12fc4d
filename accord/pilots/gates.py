"""What pilots add to the stage gates: into `active` only after a pilot was decided to scale."""

from __future__ import annotations

from accord.partnerships.gates import requirement
from accord.partnerships.models import Partnership
from accord.pilots.models import Pilot

PILOT_SCALED = "pilot_scaled"


@requirement(PILOT_SCALED, "a pilot decided to scale, with its readiness assessed")
def pilot_scaled(partnership: Partnership) -> list[str]:
    if (
        partnership.pk
        and Pilot.objects.filter(partnership=partnership, decision=Pilot.Decision.SCALE).exists()
    ):
        return []
    return ["Missing a pilot decided to scale: record the decision on the pilot's page."]
