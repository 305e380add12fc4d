"""The demo's partner users: one for each organization that is a party to a partnership, so
that every shared pilot, committee and action has someone on the other side to sign in as."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.text import slugify

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.core import policy
from accord.partnerships.models import Partnership, PartnershipParty


def _username(name: str, pk: int) -> str:
    base = slugify(name)[:40] or "partner"
    return base if not User.objects.filter(username=base).exists() else f"{base}-{pk}"


def load_partner_users(
    *, admin: User, partnerships: Iterable[Partnership], known: User
) -> dict[int, User]:
    """{organization id: its partner user}; `known` (the demo's `partner`) keeps its own."""
    users = {known.organization_id: known} if known.organization_id else {}
    parties = (
        PartnershipParty.objects.filter(partnership__in=[p.pk for p in partnerships])
        .select_related("organization")
        .order_by("pk")
    )
    for party in parties:
        organization = party.organization
        if organization.pk in users:
            continue
        domain = organization.domain or f"{slugify(organization.name)}.example"
        users[organization.pk] = user_create(
            actor=admin,
            username=_username(organization.name, organization.pk),
            role=policy.PARTNER,
            organization=organization,
            email=f"partner@{domain}",
            first_name="Partner",
            last_name=organization.name[:150],
        )
    # All share the demo password: its hash is copied rather than computed a hundred times,
    # since password hashing is slow by design.
    User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password=known.password)
    return users


def partner_of(partnership: Partnership, partners: Mapping[int, User]) -> User | None:
    """The partner user of its first party that has one."""
    parties = partnership.parties.order_by("pk").values_list("organization_id", flat=True)
    return next((partners[o] for o in parties if o in partners), None)
