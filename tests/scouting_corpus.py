"""A small directory to scout in: each organization is there to prove one behaviour."""

from __future__ import annotations

from typing import Any

from accord.directory import services as directory
from accord.directory.models import Organization

ORGANIZATIONS: list[dict[str, Any]] = [
    {"name": "VoltCell", "kind": "startup", "country": "US", "founded_year": 2019,
     "one_liner": "Solid-state batteries for electric fleets",
     "description": "VoltCell makes solid-state battery packs. Its cells store energy for grid "
                    "operators and delivery fleets.", "tags": ["energy-storage"]},
    {"name": "GridStore", "kind": "scaleup", "country": "DE", "founded_year": 2012,
     "one_liner": "Energy storage systems for utilities",
     "description": "Containerised lithium storage that balances the grid at night.",
     "tags": ["energy-storage"]},
    {"name": "SightLine", "kind": "startup", "country": "US", "founded_year": 2020,
     "one_liner": "Computer vision for quality inspection",
     "description": "We sell cameras to manufacturers. Deep learning spots defects on factory "
                    "lines before parts ship.", "tags": ["computer-vision"]},
    # Shares no word with "self-driving trucks": only meaning finds it.
    {"name": "Haulbot", "kind": "startup", "country": "SE", "founded_year": 2018,
     "one_liner": "Logistics for Nordic warehouses",
     "description": "Founded in Gothenburg by logistics veterans. Our driverless lorries move "
                    "freight between warehouses on motorways."},
    {"name": "PayBridge", "kind": "startup", "country": "NG", "founded_year": 2016,
     "one_liner": "Payments infrastructure for African merchants",
     "description": "Merchants accept mobile money and cards across Nigeria and Kenya."},
    {"name": "Mindful Works", "kind": "startup", "country": "GB", "founded_year": 2017,
     "one_liner": "Digital mental health for employees",
     "description": "A therapy and coaching app that employers offer to their staff."},
    {"name": "LabelForge", "kind": "startup", "country": "IN", "founded_year": 2015,
     "one_liner": "Data labeling for machine learning teams",
     "description": "Annotators label images and text to create training data."},
    {"name": "OrbitWorks", "kind": "scaleup", "country": "US", "founded_year": 2010,
     "one_liner": "Satellite launch services",
     "description": "Small rockets put satellites into low Earth orbit."},
    # No one-liner, no description: found by its name only.
    {"name": "Acme Hydrogen", "kind": "corporate", "country": "FR"},
    {"name": "Institut für Batterieforschung", "kind": "research", "country": "DE",
     "one_liner": "Batterieforschung und Energiespeicher",
     "description": "Wir erforschen Batterien und Energiespeicher für Elektroautos."},
]  # fmt: skip


def build(actor: Any) -> dict[str, Organization]:
    tags_by_name: dict[str, Any] = {}
    made = {}
    for row in ORGANIZATIONS:
        data = {k: v for k, v in row.items() if k != "tags"}
        tags = []
        for name in row.get("tags", []):
            if name not in tags_by_name:
                tags_by_name[name] = directory.tag_create(actor=actor, data={"name": name})
            tags.append(tags_by_name[name])
        made[row["name"]] = directory.organization_create(actor=actor, data=data, tags=tags)
    return made
