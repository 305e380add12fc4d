"""Directory API: organizations, people, tags."""

from ninja import Router

router = Router(tags=["directory"])
