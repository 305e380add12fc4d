"""Warm introductions: the strongest chains of acquaintance, at most MAX_HOPS long, from our
people (employees, board members, investors, advisors) to the people of an organization or to
one person. A chain is as strong as the product of its links' kept strengths.

The search walks the connections held in memory (`graph`) back from the targets, strongest
partial chain first, and stops once it has the strongest complete ones.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from accord.core.remembered import remembered
from accord.directory.models import Organization, Person
from accord.relationships import graph
from accord.relationships.services import OUR_RELATIONS, is_ours, ours
from accord.relationships.strength import path_strength

MAX_HOPS = 3
TOP = 5

Chain = tuple[int, list[int], list[int]]  # strength, people from ours to the target, links
Key = TypeVar("Key", bound=Hashable)
# What a path shows of each person: name, organization, and whether and how they are ours.
PATH_PERSON_FIELDS = ("full_name", "is_internal", "relation", "organization__name")


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
    organization: Organization | None = None
    paths: list[IntroPath] = field(default_factory=list)
    # With no path: the target's people most connected to anyone, and how many links each has.
    closest: list[tuple[Person, int]] = field(default_factory=list)


def chains(
    links: graph.Graph, sources: frozenset[int], target_ids: set[int], *, top: int = TOP,
    max_hops: int = MAX_HOPS,
) -> list[Chain]:  # fmt: skip
    """The `top` strongest chains (strength, people from ours to the target, link strengths)
    of at most `max_hops` links over the links read. A chain stops at the first of our people:
    through one of ours it is theirs to introduce.

    Best first: chains grow back from the targets, the strongest partial chain first; as a
    link can only weaken a chain, complete ones come out strongest first, and the search stops
    once it has `top` of them (and any that tie with the last at its rounded strength)."""
    heap: list[tuple[float, int, tuple[int, ...], tuple[int, ...]]] = [
        (-1.0, 1, (target,), ()) for target in sorted(target_ids - sources)
    ]
    heapq.heapify(heap)
    complete: list[Chain] = []
    while heap:
        negative, length, chain, strengths = heapq.heappop(heap)
        if len(complete) >= top and round(-100 * negative) < complete[top - 1][0]:
            break
        node = chain[-1]
        if node in sources and length > 1:
            complete.append((path_strength(strengths[::-1]), list(chain[::-1]),
                             list(strengths[::-1])))  # fmt: skip
            complete.sort(key=lambda c: (-c[0], len(c[1]), c[1]))
            continue
        if length - 1 >= max_hops:
            continue
        for neighbour, score in links.links_of(node):
            if score > 0 and neighbour not in chain and neighbour not in target_ids:
                heapq.heappush(heap, (negative * score / 100, length + 1, (*chain, neighbour),
                                      (*strengths, score)))  # fmt: skip
    return complete[:top]


def _paths(kept: dict[Key, Chain]) -> dict[Key, IntroPath]:
    """The chains with their people, in one query; one naming someone deleted since the graph
    was read is left out."""
    on_paths = {pk for _, chain, _ in kept.values() for pk in chain}
    if not on_paths:
        return {}
    loaded = (
        Person.objects.filter(pk__in=on_paths)
        .select_related("organization")
        .only(*PATH_PERSON_FIELDS)
    )
    people = {p.pk: p for p in loaded}
    return {key: IntroPath([people[pk] for pk in chain], strengths, strength)
            for key, (strength, chain, strengths) in kept.items()
            if all(pk in people for pk in chain)}  # fmt: skip


def _found(
    search: Callable[[graph.Graph], dict[Key, Chain]],
) -> tuple[dict[Key, IntroPath], graph.Graph]:
    """The chains `search` keeps on the graph, with their people. A chain through someone
    deleted means the graph is stale (their links went with them): it is read again and
    searched once more."""
    links = graph.current()
    kept = search(links)
    found = _paths(kept)
    if len(found) < len(kept):
        links = graph.current(again=True)
        kept = search(links)
        found = _paths(kept)
    return found, links


OUR_PEOPLE_FRESH_SECONDS = 300


def our_people() -> frozenset[int]:
    """Our employees, board members, investors and advisors: who may introduce us. Everyone's
    alike, so remembered (core/remembered.py): adding or changing a person is audited."""

    def read() -> frozenset[int]:
        return frozenset(Person.objects.filter(ours()).order_by().values_list("pk", flat=True))

    return remembered("our-people", read, seconds=OUR_PEOPLE_FRESH_SECONDS)


def search(
    targets: list[Person], *, top: int = TOP, max_hops: int = MAX_HOPS
) -> tuple[list[IntroPath], graph.Graph]:
    """The `top` strongest paths from any of our people to any of `targets`, and the graph
    they were read from; one of ours among the targets is a path of its own."""
    sources, target_ids = our_people(), {p.pk for p in targets}
    found, links = _found(
        lambda links: dict(
            enumerate(chains(links, sources, target_ids, top=top, max_hops=max_hops))
        )
    )
    ours_there = [IntroPath([p], [], 100) for p in targets if is_ours(p)]
    return (ours_there + list(found.values()))[:top], links


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
        return Introductions(targets, organization)
    found, links = search(targets, top=top)
    result = Introductions(targets, organization, found)
    if not found:
        counts = {p.pk: links.degree(p.pk) for p in targets}
        ranked = sorted(targets, key=lambda p: (-counts[p.pk], p.full_name))[:3]
        result.closest = [(p, counts[p.pk]) for p in ranked]
    return result


def best_introductions(organization_ids: list[int]) -> dict[int, IntroPath]:
    """For each of many organizations (a shortlist, a round), its strongest introduction path.
    A constant number of queries, whatever their number."""
    people = list(Person.objects.filter(organization__in=organization_ids)
                  .values_list("pk", "organization_id", "is_internal", "relation"))  # fmt: skip
    by_organization: dict[int, set[int]] = defaultdict(set)
    inside: dict[int, int] = {}
    for pk, organization_id, internal, relation in people:
        by_organization[organization_id].add(pk)
        if internal or relation in OUR_RELATIONS:
            inside[organization_id] = pk
    sources = our_people()

    def strongest(links: graph.Graph) -> dict[int, Chain]:
        best: dict[int, Chain] = {}
        for organization_id, targets in by_organization.items():
            if organization_id in inside:
                best[organization_id] = (100, [inside[organization_id]], [])
            elif kept := chains(links, sources, targets, top=1):
                best[organization_id] = kept[0]
        return best

    found, _ = _found(strongest)
    return found
