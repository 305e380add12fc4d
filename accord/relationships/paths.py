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
from accord.relationships.services import is_ours, ours
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


def search(
    targets: list[Person], *, top: int = TOP, max_hops: int = MAX_HOPS
) -> tuple[list[IntroPath], dict[int, dict[int, int]]]:
    """The `top` strongest paths from any of our people to any of `targets`, and the links
    read on the way. A query for each hop walked, one for our people among those reached and
    one for the people on the paths."""
    target_ids = {p.pk for p in targets}
    ours_there = [p for p in targets if is_ours(p)]
    links: dict[int, dict[int, int]] = defaultdict(dict)
    reached = set(target_ids)
    frontier = set(target_ids)
    for hop in range(1, max_hops + 1):
        last = hop == max_hops
        found = _neighbours(frontier, only=ours() if last else None)
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
    chains: list[tuple[int, list[int], list[int]]] = []

    def walk(node: int, chain: list[int], strengths: list[int]) -> None:
        if node in target_ids and len(chain) > 1:
            chains.append((path_strength(strengths), list(chain), list(strengths)))
            return
        if len(chain) - 1 >= max_hops:
            return
        for neighbour, score in links.get(node, {}).items():
            # Through another of our people it is theirs to introduce, not a longer chain.
            passes_ours = neighbour in sources and neighbour not in target_ids
            if neighbour not in chain and score > 0 and not passes_ours:
                walk(neighbour, [*chain, neighbour], [*strengths, score])

    for source in sources - target_ids:
        walk(source, [source], [])
    chains.sort(key=lambda c: (-c[0], len(c[1]), c[1]))
    kept = chains[:top]
    on_paths = {pk for _, chain, _ in kept for pk in chain}
    loaded = Person.objects.filter(pk__in=on_paths).select_related("organization")
    people = {p.pk: p for p in loaded}
    paths = [IntroPath([people[pk] for pk in chain], strengths, strength)
             for strength, chain, strengths in kept]  # fmt: skip
    paths = [IntroPath([p], [], 100) for p in ours_there] + paths
    return paths[:top], links


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
