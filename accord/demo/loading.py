"""Load the demo company, each app's part in the order the apps depend on each other: the
directory, the strategy and pipeline, screening. Scouting (`accord.demo.scouting`) is loaded
apart, after this transaction, because a scan searches outside any transaction."""

from __future__ import annotations

import random

from django.db import transaction

from accord.accounts.models import User
from accord.demo.directory import DEMO_USERNAME, load_directory_demo
from accord.demo.pipeline import load_pipeline_demo
from accord.demo.screening import load_screening_demo
from accord.directory.models import Organization
from accord.strategy.models import StrategicPriority


@transaction.atomic
def load_demo(
    *, seed: int = 7, organizations: int = 300, people: int = 800, progress: bool = False
) -> dict[str, int]:
    """Load the demo data set once; a second call changes nothing."""
    if Organization.objects.filter(is_self=True).exists():
        # A database loaded before the pipeline existed gets it now; otherwise nothing changes.
        pipeline = _load_pipeline(random.Random(seed + 1))
        _load_screening(random.Random(seed + 2))
        return {
            "organizations": Organization.objects.count(),
            "created": 0,
            "partnerships_created": pipeline.get("partnerships", 0) if pipeline else 0,
        }
    summary = load_directory_demo(
        rng=random.Random(seed), organizations=organizations, people=people, progress=progress
    )
    pipeline = _load_pipeline(random.Random(seed + 1)) or {}
    pipeline.update(_load_screening(random.Random(seed + 2)))
    return {**summary, **{f"{name}_created": n for name, n in pipeline.items()}}


def _load_pipeline(rng: random.Random) -> dict[str, int] | None:
    """The strategy and partnerships, once; None when they are already there."""
    admin = User.objects.filter(username=DEMO_USERNAME).first()
    partner = User.objects.filter(username="partner").select_related("organization").first()
    if StrategicPriority.objects.exists() or admin is None or partner is None:
        return None
    if partner.organization is None:
        return None
    return load_pipeline_demo(
        admin=admin,
        organizations=list(Organization.objects.order_by("pk")),
        partner_organization=partner.organization,
        rng=rng,
    )


def _load_screening(rng: random.Random) -> dict[str, int]:
    """Rubrics and a scored screening round, once."""
    admin = User.objects.filter(username=DEMO_USERNAME).first()
    return load_screening_demo(admin=admin, rng=rng) if admin is not None else {}
