"""Warm introductions: the strongest chains of acquaintance, at most MAX_HOPS long, from our
people (employees, board members, investors, advisors) to the people of an organization or to
one person. A chain is as strong as the product of its links' kept strengths.

The search starts at the targets and walks the connections outward one hop per query, so it
reads only the neighbourhood it needs; its last hop reads only links to our people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from accord.directory.models import Organization, Person
from accord.relationships.models import Connection
from accord.relationships.services import OUR_RELATIONS, is_ours, ours
from accord.relationships.strength import path_strength

MAX_HOPS = 3
TOP = 5
# Beyond this many people one hop out, the walk keeps the strongest links of each.
FRONTIER = 20_000


@dataclass
class IntroPath:
    people: list[Person]  # ours first, the target last
    links: list[int]  # the strength of each link, in order
    strength: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "strength": self.strength,
            "links": self.links,
            "people": [{"id": p.pk, "name": p.full_name,
                        "organization": p.organization.name if p.organization else None,
                        "ours": is_ours(p)} for p in self.people],
        }  # fmt: skip


@dataclass
class Introductions:
    targets: list[Person]
    paths: list[IntroPath] = field(default_factory=list)
    # With no path: the target's people most connected to anyone, and how many links each has.
    closest: list[tuple[Person, int]] = field(default_factory=list)


def _neighbours(people: set[int], *, only: Q | None = None) -> list[tuple[int, int, int]]:
    """(person, neighbour, strength) for every link of `people`; with `only`, to neighbours
    matching it. One query for each 5,000 people."""
    found = []
    chunk = sorted(people)
    wanted = Person.objects.filter(only).values("pk") if only is not None else None
    for start in range(0, len(chunk), 5000):
        part = chunk[start : start + 5000]
        if wanted is None:
            links = Connection.objects.filter(Q(person_a__in=part) | Q(person_b__in=part))
        else:
            links = Connection.objects.filter(
                (Q(person_a__in=part) & Q(person_b__in=wanted))
                | (Q(person_b__in=part) & Q(person_a__in=wanted))
            )
        inside = set(part)
        for a, b, score in links.values_list("person_a_id", "person_b_id", "score"):
            if a in inside:
                found.append((a, b, score))
            if b in inside:
                found.append((b, a, score))
    return found


@dataclass
class Reach:
    """The links read walking out from some targets, and our people among those reached."""

    links: dict[int, dict[int, int]]
    sources: set[int]


def reach(target_ids: set[int], *, max_hops: int = MAX_HOPS) -> Reach:
    """Walk the connections out from the targets, one query a hop, the last hop reading only
    links to our people; then one query for our people among those reached."""
    links: dict[int, dict[int, int]] = defaultdict(dict)
    reached, frontier = set(target_ids), set(target_ids)
    for hop in range(1, max_hops + 1):
        found = _neighbours(frontier, only=ours() if hop == max_hops else None)
        step = set()
        for person, neighbour, score in found:
            links[person][neighbour] = score
            links[neighbour][person] = score
            if neighbour not in reached:
                step.add(neighbour)
        if len(step) > FRONTIER:
            best = sorted(found, key=lambda row: -row[2])[:FRONTIER]
            step = {n for _, n, _ in best if n not in reached}
        reached |= step
        frontier = step
        if not frontier:
            break
    sources = set(Person.objects.filter(ours(), pk__in=reached).values_list("pk", flat=True))
    return Reach(links, sources)


def chains(
    found: Reach, target_ids: set[int], *, top: int = TOP, max_hops: int = MAX_HOPS
) -> list[tuple[int, list[int], list[int]]]:
    """The `top` strongest chains (strength, people from ours to the target, link strengths)
    of at most `max_hops` links, walked back from the targets over the links read. A chain
    stops at the first of our people: through one of ours it is theirs to introduce."""
    found_chains: list[tuple[int, list[int], list[int]]] = []
    links, sources = found.links, found.sources

    def walk(node: int, chain: list[int], strengths: list[int]) -> None:
        if node in sources and len(chain) > 1:
            ordered_chain, ordered_links = chain[::-1], strengths[::-1]
            found_chains.append((path_strength(ordered_links), ordered_chain, ordered_links))
            return
        if len(chain) - 1 >= max_hops:
            return
        for neighbour, score in links.get(node, {}).items():
            if neighbour not in chain and score > 0 and neighbour not in target_ids:
                walk(neighbour, [*chain, neighbour], [*strengths, score])

    for target in target_ids - sources:
        walk(target, [target], [])
    found_chains.sort(key=lambda c: (-c[0], len(c[1]), c[1]))
    return found_chains[:top]


def _paths(kept: list[tuple[int, list[int], list[int]]]) -> list[IntroPath]:
    """The chains with their people, in one query."""
    on_paths = {pk for _, chain, _ in kept for pk in chain}
    if not on_paths:
        return []
    loaded = Person.objects.filter(pk__in=on_paths).select_related("organization")
    people = {p.pk: p for p in loaded}
    return [IntroPath([people[pk] for pk in chain], strengths, strength)
            for strength, chain, strengths in kept]  # fmt: skip


def search(
    targets: list[Person], *, top: int = TOP, max_hops: int = MAX_HOPS
) -> tuple[list[IntroPath], dict[int, dict[int, int]]]:
    """The `top` strongest paths from any of our people to any of `targets`, and the links
    read on the way; one of ours among the targets is a path of its own."""
    target_ids = {p.pk for p in targets}
    found = reach(target_ids, max_hops=max_hops)
    ours_there = [IntroPath([p], [], 100) for p in targets if is_ours(p)]
    paths = ours_there + _paths(chains(found, target_ids, top=top, max_hops=max_hops))
    return paths[:top], found.links


def introductions(
    *, organization: Organization | None = None, person: Person | None = None, top: int = TOP
) -> Introductions:
    """The introduction paths to an organization's people or to one person; with none, the
    target's people with the most links."""
    if person is not None:
        targets = [person]
    else:
        assert organization is not None
        targets = list(organization.people.select_related("organization").order_by("pk"))
    if not targets:
        return Introductions(targets)
    found, links = search(targets, top=top)
    result = Introductions(targets, found)
    if not found:
        counts = {p.pk: len(links.get(p.pk, {})) for p in targets}
        ranked = sorted(targets, key=lambda p: (-counts[p.pk], p.full_name))[:3]
        result.closest = [(p, counts[p.pk]) for p in ranked]
    return result


def best_introductions(organization_ids: list[int]) -> dict[int, IntroPath]:
    """For each of many organizations (a shortlist, a round), its strongest introduction path,
    from one walk out of all their people at once: a query a hop, whatever their number."""
    people = list(Person.objects.filter(organization__in=organization_ids)
                  .values_list("pk", "organization_id", "is_internal", "relation"))  # fmt: skip
    by_organization: dict[int, set[int]] = defaultdict(set)
    inside: dict[int, int] = {}
    for pk, organization_id, internal, relation in people:
        by_organization[organization_id].add(pk)
        if internal or relation in OUR_RELATIONS:
            inside[organization_id] = pk
    found = reach({pk for pk, *_ in people}) if people else Reach({}, set())
    best: dict[int, tuple[int, list[int], list[int]]] = {}
    for organization_id, targets in by_organization.items():
        if organization_id in inside:
            best[organization_id] = (100, [inside[organization_id]], [])
        elif kept := chains(found, targets, top=1):
            best[organization_id] = kept[0]
    paths = _paths(list(best.values()))
    return dict(zip(best, paths, strict=True))
