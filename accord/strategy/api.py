"""Strategy API: priorities, gaps, plays, coverage."""

from ninja import Router

router = Router(tags=["strategy"])
