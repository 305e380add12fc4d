"""Demo scouting: a scan for each of the two most important open gaps, run, with a shortlist
and a rejection, so the scan pages show decisions as well as results."""

from __future__ import annotations

from accord.accounts.models import User
from accord.scouting import services
from accord.scouting.models import Scan
from accord.strategy.models import CapabilityGap

REJECTION = "Too early: no production customer yet."


def load_scouting_demo() -> dict[str, int]:
    if Scan.objects.exists():
        return {}
    manager = User.objects.filter(username="alliance").first()
    if manager is None:
        return {}
    gaps = CapabilityGap.objects.filter(status="open", scans__isnull=True).order_by(
        "-importance", "position", "id"
    )[:2]
    decided = 0
    for gap in gaps:
        text = f"{gap.title}. {gap.description}".strip()
        scan = services.scan_create(actor=manager, data={"gap": gap, "text": text, "top": 20})
        scan = services.scan_run(actor=manager, scan=scan)
        found = list(scan.candidates.order_by("rank")[:3])
        for candidate in found[:2]:
            services.candidate_shortlist(actor=manager, candidate=candidate)
        if len(found) == 3:
            services.candidate_reject(actor=manager, candidate=found[2], reason=REJECTION)
        decided += len(found)
    return {"scans": len(gaps), "decided": decided}
