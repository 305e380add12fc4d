"""Partnerships API: partnerships, parties, transitions, notes, documents."""

from ninja import Router

router = Router(tags=["partnerships"])
