"""Pipeline at scale: board, list, coverage matrix and dashboard latency, constant query counts.

    python benchmarks/pipeline.py [--quick] [--json]

Seeds a fresh SQLite database in a temporary ACCORD_DATA_DIR with a bulk load of the pipeline:
internal users, partner organizations, strategic priorities, capability gaps and plays, then
partnerships spread over every stage (exits included) with their parties, gaps, team, play and
dates around today, about ten stage transitions each (every move one that the stage rules
allow, with its reason and actor) and the audit events the services would have written.

Then, signed in as an administrator, it measures p50/p95 latency, CPU time, SQL time and SQL
query count of the pipeline board, the partnership list (plain, one stage, one gap, a search),
the coverage matrix, the home dashboard, the API list, a pilot's page, the pilot lists, a
partnership's milestones, "my action items", a committee's page, and a partner user's
workspace page of a partnership whose pilots, milestones and committee are all shared with
it: at the small size, and
again after growing to the large one (100 -> 2,000 partnerships, 10 -> 200 gaps, 1,000 ->
20,000 transitions, 250 -> 5,000 pilots with three criteria and twelve actuals each, 2,500 ->
50,000 milestones and as many action items of committees with four meetings each; --quick:
50 -> 300). Query counts must not change with size, and every request must answer within the
p95 target at the large size. The seed is a bulk load, so it is followed by ANALYZE. Each
page is first checked to answer 200 with seeded content in it (a known title, the expected
number of cards or rows), so an error page is never timed. For a request over the
target, its statements are printed with their query plans and timings, and a profile shows
where the time outside SQL goes.

Human-readable output goes to stdout (stderr with --json); with --json the last line on stdout
is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import itertools
import json
import math
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
P95_TARGET_MS = 150.0
BATCH = 2000
WARMUP = 3
ORGANIZATIONS_PER_PARTNERSHIP = 2.5
GAPS_PER_PRIORITY = 20
GAPS_PER_PLAY = 2
SEARCH = "volt"  # a name prefix: about one partner organization in thirty


@dataclass(frozen=True)
class Size:
    partnerships: int
    gaps: int
    transitions: int
    pilots: int
    milestones: int


FULL = {
    "small": Size(100, 10, 1_000, 250, 2_500),
    "large": Size(2_000, 200, 20_000, 5_000, 50_000),
    "reps": 30,
}
QUICK = {
    "small": Size(50, 5, 500, 120, 1_200),
    "large": Size(300, 30, 3_000, 750, 7_500),
    "reps": 10,
}
CRITERIA_PER_PILOT, ACTUALS_PER_CRITERION = 3, 4
PILOT_STATUSES = {"planned": 10, "running": 30, "evaluating": 10, "succeeded": 25, "failed": 20,
                  "stopped": 5}  # fmt: skip

# Where partnerships stand, as weights: a pipeline with a long tail of exits.
STAGE_MIX = {
    "candidate": 14,
    "screening": 13,
    "engaging": 13,
    "negotiating": 11,
    "piloting": 12,
    "active": 16,
    "renewal_review": 6,
    "declined": 10,
    "exited": 5,
}
EXECUTIVES = ["ceo", "cto", "cfo"]
MANAGERS = [f"alliance-{n}" for n in range(1, 7)] + ["ventures", "bu-lead"]
CONTRIBUTORS = ["analyst-1", "analyst-2"]
UNITS = [
    "drives", "motion control", "grid systems", "process automation", "service", "mobility",
    "building technology", "digital industries", "healthcare", "rail", "mining", "water",
]  # fmt: skip
NAME_MIDDLES = ["", "", "", "ra", "vo", "ti", "lo", "ne", "ma", "xi", "ro", "di"]
RENEWED = "Renewal review passed: renewed for another term on the same terms."
RECONSIDERED = "Reconsidered: their new product fits an open gap again."


class Report:
    """Prints progress for people (stdout, or stderr in --json mode) and collects figures."""

    def __init__(self, as_json: bool) -> None:
        from rich.console import Console

        self.as_json = as_json
        self.console = Console(stderr=as_json, highlight=False, width=130)
        self.figures: dict[str, Any] = {}
        self.failures: list[str] = []

    def say(self, text: Any, *, markup: bool = True) -> None:
        self.console.print(text, markup=markup)

    def fail(self, text: str) -> None:
        self.failures.append(text)
        self.console.print(f"[bold red]FAIL[/bold red] {text}")


# Seeding -----------------------------------------------------------------------------------


@dataclass
class Org:
    pk: int
    name: str


@dataclass
class Gap:
    pk: int
    kind: str
    topic: str
    archived: bool


@dataclass
class Play:
    pk: int
    type: str
    gaps: list[int]


@dataclass
class Move:
    from_stage: str
    to_stage: str
    reason: str
    by_executive: bool
    checklist: list[str] = field(default_factory=list)


class Seeder:
    """Grows the pipeline with bulk inserts; every row as the services would have written it."""

    def __init__(self, report: Report, admin: Any) -> None:
        from django.utils import timezone

        self.report = report
        self.admin = admin
        self.rng = random.Random(29)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.names: set[str] = set()
        self.titles: set[str] = set()
        self.organizations: dict[str, list[Org]] = {}
        self.organization_count = 0
        self.priorities: list[int] = []
        self.gaps: list[Gap] = []
        self.plays: list[Play] = []
        self.plays_by_gap: dict[int, list[Play]] = {}
        self.partnerships = 0
        self.transitions = 0
        self.audit_events = 0
        self.executives, self.managers = self._users()
        self._self_organization()

    # People and organizations

    def _users(self) -> tuple[list[Any], list[Any]]:
        from django.contrib.auth.hashers import make_password

        from accord.accounts.models import User
        from accord.core import policy

        password = make_password(None)
        roles = [(n, policy.EXECUTIVE) for n in EXECUTIVES] + [
            (n, policy.MANAGER) for n in MANAGERS
        ]
        roles += [(n, policy.CONTRIBUTOR) for n in CONTRIBUTORS]
        User.objects.bulk_create(
            [
                User(username=name, role=role, password=password, email=f"{name}@example.com")
                for name, role in roles
            ]
        )
        executives = list(User.objects.filter(username__in=EXECUTIVES).order_by("pk"))
        managers = list(User.objects.filter(username__in=MANAGERS).order_by("pk"))
        return executives, managers

    def _self_organization(self) -> None:
        from accord.directory.models import Organization
        from accord.directory.normalize import normalize_domain, normalize_name

        name, website = "Benchmark Industries AG", "https://benchmark-industries.example"
        Organization.objects.create(
            name=name,
            normalized_name=normalize_name(name),
            kind="corporate",
            country="DE",
            city="Munich",
            website=website,
            domain=normalize_domain(website),
            is_self=True,
        )

    def _organization_rows(self, count: int) -> Iterator[Any]:
        from accord.demo import directory as demo
        from accord.directory.models import Organization
        from accord.directory.normalize import normalize_domain, normalize_name

        rng = self.rng
        kinds, weights = zip(*demo.KIND_WEIGHTS.items(), strict=True)
        for _ in range(count):
            kind = str(rng.choices(kinds, weights)[0])
            name = self._organization_name(kind)
            country = rng.choice(demo.COUNTRIES)
            sector = rng.choice(list(demo.SECTORS))
            topics = rng.sample(demo.SECTORS[sector], 2)
            website = f"https://{''.join(c for c in name.lower() if c.isalnum())[:40]}.example"
            startup_like = kind in ("startup", "scaleup")
            yield Organization(
                name=name,
                normalized_name=normalize_name(name),
                kind=kind,
                country=country,
                city=rng.choice(demo.CITIES.get(country, ["Capital City"])),
                website=website,
                domain=normalize_domain(website),
                founded_year=rng.randint(2008, 2024) if startup_like else rng.randint(1850, 2015),
                size_band=rng.choice(["1-10", "11-50", "51-200"])
                if startup_like
                else rng.choice(["201-1000", "1001-5000", "5001+"]),
                one_liner=f"{topics[0].capitalize()} and {topics[1]} for {sector} customers.",
                description=f"{name} works on {topics[0]} and {topics[1]} in {sector}.",
                tag_names=" ".join(sorted({sector, *topics}))[:1000],
            )

    def _organization_name(self, kind: str) -> str:
        from accord.demo import directory as demo

        rng = self.rng
        for attempt in itertools.count():
            base = (
                rng.choice(demo.PREFIXES) + rng.choice(NAME_MIDDLES) + rng.choice(demo.SUFFIXES)
            ).capitalize()
            if kind == "university":
                name = f"University of {base}"
            elif kind == "research":
                name = f"{base} Research Institute"
            elif kind == "investor":
                name = f"{base} Ventures"
            elif kind in ("corporate", "supplier", "customer"):
                name = f"{base} {rng.choice(['Group', 'Industries', 'AG', 'Inc.', 'Ltd'])}"
            else:
                name = base
            if attempt > 20:
                name = f"{name} {attempt}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise AssertionError("unreachable")

    def _grow_organizations(self, target: int) -> None:
        from accord.directory.models import Organization

        rows = list(self._organization_rows(target - self.organization_count))
        for organization in Organization.objects.bulk_create(rows, batch_size=BATCH):
            self.organizations.setdefault(organization.kind, []).append(
                Org(organization.pk, organization.name)
            )
        self.organization_count = target

    # Strategy

    def _grow_strategy(self, size: Size) -> None:
        from accord.demo import pipeline as demo
        from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority

        rng = self.rng
        priorities = max(3, math.ceil(size.gaps / GAPS_PER_PRIORITY))
        new_priorities = [
            StrategicPriority(
                title=title
                if n < len(demo.PRIORITIES)
                else f"{title} ({n // len(demo.PRIORITIES)})",
                description=description,
                horizon_year=self.today.year + years,
                weight=weight,
                owner=self.executives[n % len(self.executives)],
                position=n,
            )
            for n in range(len(self.priorities), priorities)
            for title, description, years, weight in [demo.PRIORITIES[n % len(demo.PRIORITIES)]]
        ]
        self.priorities += [p.pk for p in StrategicPriority.objects.bulk_create(new_priorities)]

        new_gaps = []
        for n in range(len(self.gaps), size.gaps):
            _, title, kind, importance, topic, description = demo.GAPS[n % len(demo.GAPS)]
            round_ = n // len(demo.GAPS)
            if round_:
                title = f"{title} in {UNITS[(round_ - 1) % len(UNITS)]}"
                title += f" {round_}" if round_ > len(UNITS) else ""
                importance = rng.randint(1, 5)
            status = rng.choices(["open", "addressing", "closed", "archived"], [40, 46, 8, 6])[0]
            new_gaps.append(
                CapabilityGap(
                    priority_id=self.priorities[n % len(self.priorities)],
                    title=title,
                    kind=kind,
                    importance=importance,
                    description=description,
                    target_date=self.today + dt.timedelta(days=rng.randint(90, 1200)),
                    status="addressing" if n == 0 else status,
                    position=n,
                )
            )
        for gap, n in zip(
            CapabilityGap.objects.bulk_create(new_gaps),
            range(len(self.gaps), size.gaps),
            strict=True,
        ):
            topic = demo.GAPS[n % len(demo.GAPS)][4]
            self.gaps.append(Gap(gap.pk, gap.kind, topic, gap.status == "archived"))

        plays, links = [], []
        for n in range(len(self.plays), size.gaps // GAPS_PER_PLAY):
            gaps = rng.sample(self.gaps, rng.choice([1, 1, 2, 3]))
            kind, topic = gaps[0].kind, gaps[0].topic
            type_ = rng.choice(demo.TYPE_FOR_KIND[kind])
            plays.append(
                PartnershipPlay(
                    title=f"{topic.capitalize()}: {type_.replace('_', ' ')} play {n + 1}",
                    type=type_,
                    objective=f"Close the {topic} gap through {type_.replace('_', ' ')}.",
                    budget=Decimal(rng.choice([300, 600, 900, 1500, 2500, 5000]) * 1000),
                    owner=self.managers[n % len(self.managers)],
                    status=rng.choices(["proposed", "active", "done", "archived"], [3, 6, 1, 1])[0],
                    position=n,
                )
            )
            links.append([g.pk for g in gaps])
        through = PartnershipPlay.gaps.through
        rows = []
        for play, gap_ids in zip(PartnershipPlay.objects.bulk_create(plays), links, strict=True):
            entry = Play(play.pk, play.type, gap_ids)
            self.plays.append(entry)
            for gap_id in gap_ids:
                self.plays_by_gap.setdefault(gap_id, []).append(entry)
                rows.append(through(partnershipplay_id=play.pk, capabilitygap_id=gap_id))
        through.objects.bulk_create(rows, batch_size=BATCH)

    # Partnerships

    def grow_to(self, size: Size) -> float:
        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():
            self._grow_organizations(round(size.partnerships * ORGANIZATIONS_PER_PARTNERSHIP))
            self._grow_strategy(size)
            self._grow_partnerships(size)
            self._grow_pilots(size)
            self._grow_milestones(size)
            self._grow_governance(size)
            self._share_busiest()
        return time.perf_counter() - started

    def _share_busiest(self) -> None:
        """Share everything of the partnership with the busiest committee with its first party,
        which gets a partner user: the workspace page at its fullest."""
        from django.db.models import Count

        from accord.accounts.models import User
        from accord.governance.models import Committee
        from accord.partnerships.models import PartnershipParty
        from accord.pilots.models import Milestone, Pilot

        busiest = Committee.objects.annotate(n=Count("action_items")).order_by("-n", "pk").first()
        if busiest is None:
            return
        party = PartnershipParty.objects.filter(partnership_id=busiest.partnership_id).first()
        if party is None:
            return
        for model in (Pilot, Milestone, Committee):
            rows = model.objects.filter(partnership_id=busiest.partnership_id)
            rows.update(visibility="shared")
            through = model.shared_with.through
            through.objects.bulk_create(
                [through(**{f"{model._meta.model_name}_id": pk, "partnershipparty_id": party.pk})
                 for pk in rows.values_list("pk", flat=True)],
                ignore_conflicts=True, batch_size=BATCH,
            )  # fmt: skip
        User.objects.get_or_create(
            username=f"bench-partner-{party.organization_id}",
            defaults={"role": "partner", "organization_id": party.organization_id},
        )

    def _grow_governance(self, size: Size) -> None:
        """A committee per partnership past negotiation, four meetings each, and as many action
        items as milestones, owned by the managers and the benchmark's administrator."""
        from accord.governance.models import ActionItem, Committee, Meeting
        from accord.partnerships.models import Partnership

        rng, today = self.rng, self.today
        stages = ("piloting", "active", "renewal_review")
        have = set(Committee.objects.values_list("partnership_id", flat=True))
        hosts = Partnership.objects.filter(stage__in=stages).exclude(pk__in=have)
        committees = Committee.objects.bulk_create(
            [Committee(partnership_id=pk, name="Joint steering committee", chair_id=owner)
             for pk, owner in hosts.values_list("pk", "owner_id")],
            batch_size=BATCH,
        )  # fmt: skip
        Meeting.objects.bulk_create(
            [Meeting(committee_id=c.pk, title=f"Steering {n + 1}",
                     starts_at=self.now + dt.timedelta(weeks=n * 4 - 8),
                     ends_at=self.now + dt.timedelta(weeks=n * 4 - 8, hours=1))
             for c in committees for n in range(4)],
            batch_size=BATCH,
        )  # fmt: skip
        every = list(Committee.objects.values_list("pk", flat=True))
        owners = [*self.managers, self.admin]
        items = []
        for n in range(ActionItem.objects.count(), size.milestones):
            status = rng.choices(["open", "done", "cancelled"], [45, 50, 5])[0]
            due = today + dt.timedelta(days=rng.randint(-120, 90))
            items.append(ActionItem(
                committee_id=rng.choice(every), title=f"Action {n + 1}", status=status,
                owner_id=rng.choice(owners).pk, due_on=due,
                completed_on=due if status == "done" else None,
            ))  # fmt: skip
        ActionItem.objects.bulk_create(items, batch_size=BATCH)

    # Pilots and milestones

    def _grow_pilots(self, size: Size) -> None:
        """Pilots of partnerships that reached piloting, in every status, each with its
        criteria and their actuals; the decided ones with their decision."""
        from accord.partnerships.models import Partnership
        from accord.pilots.models import CriterionActual, Pilot, PilotDecision, SuccessCriterion

        rng, today = self.rng, self.today
        stages = ("piloting", "active", "renewal_review", "exited")
        hosts = list(Partnership.objects.filter(stage__in=stages).values_list("pk", "owner_id"))
        statuses, weights = zip(*PILOT_STATUSES.items(), strict=True)
        pilots = []
        for n in range(Pilot.objects.count(), size.pilots):
            partnership, owner = rng.choice(hosts)
            status = rng.choices(statuses, weights)[0]
            starts = today - dt.timedelta(days=rng.randint(10, 700))
            ends = starts + dt.timedelta(days=rng.choice([60, 90, 120]))
            decision = {"succeeded": "scale", "failed": "kill"}.get(status, "")
            pilots.append(Pilot(
                partnership_id=partnership, title=f"Pilot {n + 1}", owner_id=owner,
                hypothesis="Halves the defects on the line within one quarter.",
                starts_on=starts, ends_on=ends, status=status, decision=decision,
                decided_at=self.now if decision else None,
                budget=Decimal(rng.choice([50, 120, 250]) * 1000),
            ))  # fmt: skip
        created = Pilot.objects.bulk_create(pilots, batch_size=BATCH)
        PilotDecision.objects.bulk_create(
            [PilotDecision(pilot_id=p.pk, decision=p.decision, rationale="As measured.",
                           decided_by_name="ceo", decided_at=self.now)
             for p in created if p.decision],
            batch_size=BATCH,
        )  # fmt: skip
        criteria = SuccessCriterion.objects.bulk_create(
            [SuccessCriterion(pilot_id=p.pk, metric=f"Metric {k}", unit="%", position=k,
                              comparator="at_least", target=Decimal(90))
             for p in created for k in range(CRITERIA_PER_PILOT)],
            batch_size=BATCH,
        )  # fmt: skip
        CriterionActual.objects.bulk_create(
            [CriterionActual(criterion_id=c.pk, value=Decimal(rng.randint(70, 99)),
                             observed_on=today - dt.timedelta(days=7 * (k + 1)))
             for c in criteria for k in range(ACTUALS_PER_CRITERION)],
            batch_size=BATCH,
        )  # fmt: skip

    def _grow_milestones(self, size: Size) -> None:
        from accord.partnerships.models import Partnership
        from accord.pilots.models import Milestone

        rng, today = self.rng, self.today
        hosts = list(Partnership.objects.values_list("pk", "owner_id"))
        rows = []
        for n in range(Milestone.objects.count(), size.milestones):
            partnership, owner = rng.choice(hosts)
            due = today + dt.timedelta(days=rng.randint(-300, 200))
            done = due < today and rng.random() < 0.85
            rows.append(Milestone(
                partnership_id=partnership, title=f"Milestone {n + 1}", owner_id=owner,
                side=rng.choice(["ours", "partner"]), due_on=due,
                completed_on=due if done else None,
            ))  # fmt: skip
        Milestone.objects.bulk_create(rows, batch_size=BATCH)

    def _walk(self, final: str, budget: int) -> list[str]:
        """The stages a partnership went through to reach `final` (candidate excluded), with
        detours (a step back and forward again, a renewal) until about `budget` moves."""
        from accord.partnerships.models import PIPELINE

        rng = self.rng
        if final == "declined":
            stop = rng.choice(PIPELINE[:4])
            walk = [*PIPELINE[1 : PIPELINE.index(stop) + 1], final]
        elif final == "exited":
            renewal = ["renewal_review"] if rng.random() < 0.4 else []
            walk = [*PIPELINE[1 : PIPELINE.index("active") + 1], *renewal, final]
        else:
            walk = PIPELINE[1 : PIPELINE.index(final) + 1]
        while budget - len(walk) >= 2:
            walk = self._detour(walk, budget - len(walk))
        return walk

    def _detour(self, walk: list[str], spare: int) -> list[str]:
        from accord.partnerships.models import PIPELINE

        rng = self.rng
        stages = ["candidate", *walk]
        at = rng.choice([i for i, s in enumerate(stages) if s in PIPELINE])
        stage = stages[at]
        index = PIPELINE.index(stage)
        if stage == "candidate":
            options = [["screening", "candidate"], ["declined", "candidate"]]
            detour = ["screening", "engaging", "candidate"] if spare % 2 else rng.choice(options)
        elif stage == "active" and rng.random() < 0.6:
            detour = ["renewal_review", "active"]
        else:
            back = 2 if index >= 2 and (spare % 2 or rng.random() < 0.3) and spare >= 3 else 1
            detour = PIPELINE[index - back : index + 1]
        return [*stages[1 : at + 1], *detour, *stages[at + 1 :]]

    def _moves(self, walk: list[str]) -> list[Move]:
        from accord.demo import pipeline as demo
        from accord.partnerships.gates import DEFAULT_GATES, allowed_targets
        from accord.partnerships.models import PIPELINE

        rng, moves, current = self.rng, [], "candidate"
        for to in walk:
            if to not in allowed_targets(current):
                raise AssertionError(f"the seed made a move the gates refuse: {current} -> {to}")
            if to == "candidate" and current in ("declined", "exited"):
                reason, forward = RECONSIDERED, False
            elif current == "renewal_review" and to == "active":
                reason, forward = RENEWED, False
            elif (
                to in PIPELINE
                and current in PIPELINE
                and PIPELINE.index(to) < PIPELINE.index(current)
            ):
                reason, forward = demo.BACKWARD_REASON, False
            else:
                reason, forward = rng.choice(demo.REASONS[to]), True
            checklist = list(DEFAULT_GATES.get(to, {}).get("checklist", [])) if forward else []
            moves.append(Move(current, to, reason, forward and to == "active", checklist))
            current = to
        return moves

    def _fields(self, final: str, walk: list[str], kind: str, topic: str) -> dict[str, Any]:
        """Every field the gates on its path need, with dates spread around today."""
        from accord.demo import pipeline as demo

        rng, today = self.rng, self.today
        reached = set(walk) | {final}
        data: dict[str, Any] = {"value_for_us": demo.VALUE_FOR_US[kind].format(topic=topic)}
        if reached & {"engaging", "negotiating"}:
            nda = today - dt.timedelta(days=rng.randint(60, 900))
            expires = nda + dt.timedelta(days=730)
            if final not in ("declined", "exited") and rng.random() < 0.15:
                expires = today + dt.timedelta(days=rng.randint(5, 55))
            data.update(nda_signed_on=nda, nda_expires_on=max(expires, nda))
        if "negotiating" in reached:
            data.update(
                executive_sponsor_id=rng.choice(self.executives).pk,
                value_for_partner=rng.choice(demo.VALUE_FOR_PARTNER),
            )
        if "piloting" in reached:
            data.update(
                start_date=today - dt.timedelta(days=rng.randint(30, 1000)),
                budget=Decimal(rng.choice([80, 150, 250, 400, 750, 1200]) * 1000),
                committed_fte=Decimal(rng.choice(["0.5", "1.0", "2.0", "3.5"])),
            )
        if "active" in reached:
            start = data["start_date"]
            end = start + dt.timedelta(days=rng.choice([730, 1095, 1460]))
            if final == "active" and rng.random() < 0.15:
                end = max(start, today + dt.timedelta(days=rng.randint(10, 150)))
            data.update(
                signed_on=start + dt.timedelta(days=rng.randint(0, 20)),
                ip_terms=rng.choice(demo.IP_TERMS),
                renewal_notice_days=rng.choice([None, 60, 90, 180]),
                end_date=end,
            )
        if final == "renewal_review":
            data["end_date"] = max(data["start_date"], today + dt.timedelta(rng.randint(20, 120)))
        if final in ("negotiating", "piloting", "active", "renewal_review"):
            offset = rng.choice([-21, -9, -3, 0, 4, 12, 26, 45, 75, 120, 200])
            data["next_review_date"] = today + dt.timedelta(days=offset)
        elif final in ("candidate", "screening", "engaging") and rng.random() < 0.5:
            data["next_review_date"] = today + dt.timedelta(days=rng.randint(-15, 120))
        return data

    def _parties(self, type_: str) -> list[tuple[Org, str]]:
        from accord.demo import pipeline as demo
        from accord.partnerships.models import PartnershipParty

        rng = self.rng
        kinds = demo.KINDS_FOR_TYPE.get(type_, ["startup", "scaleup", "corporate", "research"])
        pool = [o for k in kinds for o in self.organizations.get(k, [])]
        count = rng.randint(3, 5) if type_ == "consortium" else rng.choice([1, 1, 1, 2])
        role = demo.ROLE_FOR_TYPE.get(type_, PartnershipParty.Role.PARTNER)
        chosen = rng.sample(pool, count)
        return [
            (o, PartnershipParty.Role.LEAD if type_ == "consortium" and n == 0 else role)
            for n, o in enumerate(chosen)
        ]

    def _grow_partnerships(self, size: Size) -> None:
        from accord.demo import pipeline as demo
        from accord.partnerships.models import Partnership

        rng = self.rng
        finals, weights = zip(*STAGE_MIX.items(), strict=True)
        open_gaps = [g for g in self.gaps if not g.archived]
        planned: list[tuple[Any, list[tuple[Org, str]], list[int], list[Any], list[Move]]] = []
        budget = size.transitions - self.transitions
        for n in range(self.partnerships, size.partnerships):
            final = rng.choices(finals, weights)[0]
            moves = self._moves(self._walk(final, round(budget / (size.partnerships - n))))
            budget -= len(moves)
            gap = rng.choice(open_gaps)
            gaps = [gap.pk] if rng.random() < 0.92 else []
            if gaps and rng.random() < 0.3:
                gaps = sorted({gap.pk, rng.choice(open_gaps).pk})
            plays = self.plays_by_gap.get(gap.pk, [])
            play = rng.choice(plays) if plays and (not gaps or rng.random() < 0.5) else None
            type_ = play.type if play else rng.choice(demo.TYPE_FOR_KIND[gap.kind])
            parties = self._parties(type_)
            title = demo.TITLES[type_].format(org=parties[0][0].name, topic=gap.topic)
            title = title[0].upper() + title[1:]
            if title in self.titles:
                title = f"{title} ({n + 1})"
            self.titles.add(title)
            team = [self.managers[(n + 1) % len(self.managers)]] if n % 3 == 0 else []
            team += [self.admin] if n % 7 == 0 else []
            partnership = Partnership(
                title=title,
                type=type_,
                stage=final,
                stage_version=len(moves),
                play_id=play.pk if play else None,
                owner=self.managers[n % len(self.managers)],
                is_confidential=(type_ in ("joint_venture", "cvc") and n % 4 == 0)
                or rng.random() < 0.03,
                **self._fields(final, [m.to_stage for m in moves], gap.kind, gap.topic),
            )
            planned.append((partnership, parties, gaps, team, moves))
        created = Partnership.objects.bulk_create([p[0] for p in planned], batch_size=BATCH)
        for partnership, row in zip(created, planned, strict=True):
            if partnership.title != row[0].title:
                raise AssertionError("bulk_create returned the partnerships out of order")
        self._links(planned)
        self._history(planned)
        self.partnerships = size.partnerships

    def _links(self, planned: list[Any]) -> None:
        from accord.partnerships.models import Partnership, PartnershipParty

        parties, gaps, team = [], [], []
        gap_through, team_through = Partnership.gaps.through, Partnership.team.through
        for partnership, party_rows, gap_ids, members, _ in planned:
            parties += [
                PartnershipParty(partnership_id=partnership.pk, organization_id=o.pk, role=role)
                for o, role in party_rows
            ]
            gaps += [
                gap_through(partnership_id=partnership.pk, capabilitygap_id=g) for g in gap_ids
            ]
            team += [team_through(partnership_id=partnership.pk, user_id=u.pk) for u in members]
        PartnershipParty.objects.bulk_create(parties, batch_size=BATCH)
        gap_through.objects.bulk_create(gaps, batch_size=BATCH)
        team_through.objects.bulk_create(team, batch_size=BATCH)

    def _history(self, planned: list[Any]) -> None:
        """Stage transitions spread over the past years (the last a few days to weeks ago), and
        the audit events of the creation and of every move, at the same times."""
        from django.db import connection

        from accord.core.models import AuditEvent
        from accord.partnerships.models import StageTransition

        rng = self.rng
        transitions, events, times = [], [], []
        for partnership, _, _, _, moves in planned:
            owner = partnership.owner
            at = self.now - dt.timedelta(days=rng.randint(1, 45), hours=rng.randint(0, 23))
            stamps = []
            for _ in moves:
                stamps.append(at)
                at -= dt.timedelta(days=rng.randint(7, 60), hours=rng.randint(0, 9))
            stamps.reverse()
            events.append(
                self._event(partnership, owner, "create", {"title": [None, partnership.title]})
            )
            times.append(at)
            for move, stamp in zip(moves, stamps, strict=True):
                actor = rng.choice(self.executives) if move.by_executive else owner
                transitions.append(
                    StageTransition(
                        partnership_id=partnership.pk,
                        from_stage=move.from_stage,
                        to_stage=move.to_stage,
                        actor=actor,
                        actor_name=actor.username,
                        at=stamp,
                        reason=move.reason,
                        checklist=move.checklist,
                    )
                )
                changes = {"stage": [move.from_stage, move.to_stage], "reason": [None, move.reason]}
                events.append(self._event(partnership, actor, "update", changes))
                times.append(stamp)
        StageTransition.objects.bulk_create(transitions, batch_size=BATCH)
        # `at` is set on insert (auto_now_add); give each event the time of its change.
        created = AuditEvent.objects.bulk_create(events, batch_size=BATCH)
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE core_auditevent SET at = %s WHERE id = %s",
                [(adapt(t), e.pk) for e, t in zip(created, times, strict=True)],
            )
        self.transitions += len(transitions)
        self.audit_events += len(events)

    def _event(self, partnership: Any, actor: Any, action: str, changes: dict[str, Any]) -> Any:
        from accord.core.models import AuditEvent

        return AuditEvent(
            actor=actor,
            actor_name=actor.username,
            channel="web",
            action=action,
            model="partnerships.partnership",
            object_id=str(partnership.pk),
            object_repr=partnership.title[:300],
            changes=changes,
        )


# Requests and what each must show -----------------------------------------------------------


@dataclass
class Probe:
    url: str
    check: Callable[[Any], str | None]


def _html(*texts: str, counts: dict[str, int] | None = None) -> Callable[[Any], str | None]:
    """A check that the page contains each text (HTML-escaped) and each marker `n` times."""
    from django.utils.html import escape

    def check(response: Any) -> str | None:
        if response.status_code != 200:
            return f"answered {response.status_code}"
        body = response.content.decode()
        for text in texts:
            if escape(text) not in body:
                return f"does not show {text!r}"
        for marker, expected in (counts or {}).items():
            found = body.count(marker)
            if found != expected:
                return f"shows {found} of {marker!r}, expected {expected}"
        return None

    return check


def _api(count: int, first_title: str) -> Callable[[Any], str | None]:
    def check(response: Any) -> str | None:
        if response.status_code != 200:
            return f"answered {response.status_code}"
        data = response.json()
        if data.get("count") != count:
            return f"counts {data.get('count')}, expected {count}"
        items = data.get("items") or [{}]
        if items[0].get("title") != first_title:
            return f"starts with {items[0].get('title')!r}, expected {first_title!r}"
        return None

    return check


def probes(gap_id: int) -> dict[str, Probe]:
    """Every timed request with what it must show, read from the database at this size."""
    from django.db.models import Count, F, Q
    from django.urls import reverse
    from django.utils import timezone

    from accord.core.models import AuditEvent
    from accord.partnerships.models import EXITS, PIPELINE, Partnership, PartnershipParty
    from accord.partnerships.selectors import BOARD_CARDS_PER_COLUMN
    from accord.strategy.models import CapabilityGap

    everything = Partnership.objects.order_by("title", "id")
    total = everything.count()
    first = everything.first()
    # The board: each stage's total, the first cards of each pipeline stage, the most urgent
    # review (first in its column) among them.
    by_stage = dict(everything.order_by().values_list("stage").annotate(n=Count("id")))
    board_counts = {
        'data-testid="card"': sum(min(by_stage.get(s, 0), BOARD_CARDS_PER_COLUMN) for s in PIPELINE)
    }
    board_counts.update(
        {f'data-stage="{s}" data-total="{by_stage.get(s, 0)}"': 1 for s in by_stage}
    )
    most_urgent = (
        everything.exclude(stage__in=EXITS)
        .order_by(F("next_review_date").asc(nulls_last=True), "title", "id")
        .first()
    )
    active = everything.filter(stage="active").first()
    by_gap = everything.filter(gaps=gap_id).first()
    by_party = PartnershipParty.objects.filter(organization__name__icontains=SEARCH)
    found = everything.filter(
        Q(title__icontains=SEARCH) | Q(pk__in=by_party.values("partnership_id"))
    ).first()
    today = timezone.localdate()
    review = (
        Partnership.objects.exclude(stage__in=EXITS)
        .filter(next_review_date__lte=today + dt.timedelta(days=30))
        .order_by("next_review_date", "pk")
        .first()
    )
    latest = AuditEvent.objects.order_by("-at", "-id").first()
    gaps = CapabilityGap.objects.exclude(status="archived")
    if None in (first, most_urgent, active, by_gap, found, review, latest):
        raise AssertionError("the seed lacks a partnership, review or audit event a page needs")
    list_url = reverse("partnerships:partnership_list")
    return {**_partnership_probes(list_url, everything, first, most_urgent, board_counts, active,
                                  by_gap, gap_id, found, gaps, latest, review, total),
            **_pilot_probes()}  # fmt: skip


def _pilot_probes() -> dict[str, Probe]:
    """A running pilot's page (with every form a manager sees), the pilot lists and the
    milestones page of the partnership with the most milestones."""
    from django.db.models import Count
    from django.utils import timezone

    from accord.pilots.models import Milestone, Pilot

    pilot = Pilot.objects.filter(status="running").order_by("-starts_on", "-id").first()
    latest = Pilot.objects.order_by("-starts_on", "-id").first()
    overdue = (
        Pilot.objects.filter(status__in=Pilot.OPEN_STATUSES, ends_on__lt=timezone.localdate())
        .order_by("-starts_on", "-id")
        .first()
    )
    busiest = (
        Milestone.objects.values("partnership_id")
        .annotate(n=Count("id"))
        .order_by("-n", "partnership_id")
        .first()
    )
    if pilot is None or latest is None or overdue is None or busiest is None:
        raise AssertionError("the seed lacks a pilot, an overdue one or a milestone")
    return {
        "pilot": Probe(f"/pilots/{pilot.pk}/",
                       _html(pilot.title, counts={'data-testid="criterion"': CRITERIA_PER_PILOT})),
        "pilot_list": Probe("/pilots/", _html(latest.title)),
        "pilots_overdue": Probe("/pilots/?overdue=true", _html(overdue.title)),
        "milestones": Probe(
            f"/pilots/partnership/{busiest['partnership_id']}/milestones/",
            _html(counts={'data-testid="milestone"': busiest["n"]}),
        ),
        "api_pilots": Probe("/api/v1/pilots", _api(Pilot.objects.count(), latest.title)),
        **_governance_probes(),
    }  # fmt: skip


def _governance_probes() -> dict[str, Probe]:
    """The administrator's action items across partnerships, and the committee with the most
    action items."""
    from django.db.models import Count

    from accord.governance.models import ActionItem, Committee
    from accord.governance.selectors import MY_ITEMS_SHOWN

    busiest = Committee.objects.annotate(n=Count("action_items")).order_by("-n", "pk").first()
    admin_open = ActionItem.objects.filter(owner__username="bench-admin", status="open")
    if busiest is None or not admin_open.exists():
        raise AssertionError("the seed lacks a committee or the administrator's action items")
    first = admin_open.order_by("due_on", "pk").first()
    shown = min(admin_open.count(), MY_ITEMS_SHOWN)
    return {
        "my_action_items": Probe(
            "/governance/my-action-items/",
            _html(first.title, counts={'data-testid="action-item"': shown}),
        ),
        "committee": Probe(
            f"/governance/committees/{busiest.pk}/",
            _html(busiest.name, counts={'data-testid="action-item"': busiest.n}),
        ),
    }


def workspace_probe() -> tuple[Any, dict[str, Probe]]:
    """The partner user of the partnership shared in full, and its workspace page."""
    from accord.accounts.models import User
    from accord.governance.models import ActionItem
    from accord.partnerships.models import Partnership

    partner = User.objects.filter(username__startswith="bench-partner-").order_by("-pk").first()
    if partner is None:
        raise AssertionError("the seed shared no partnership with a partner user")
    shown = (
        Partnership.objects.filter(
            parties__organization_id=partner.organization_id, committees__visibility="shared"
        )
        .order_by("-pk")
        .first()
    )
    if shown is None:
        raise AssertionError("the partner user's partnership shares nothing")
    open_items = ActionItem.objects.filter(committee__partnership=shown, status="open").count()
    counts = {
        'data-testid="workspace-pilot"': shown.pilots.count(),
        'data-testid="action-item"': open_items,
    }
    return partner, {"workspace": Probe(f"/workspace/{shown.pk}/", _html(counts=counts))}


def _partnership_probes(
    list_url: str, everything: Any, first: Any, most_urgent: Any, board_counts: dict[str, int],
    active: Any, by_gap: Any, gap_id: int, found: Any, gaps: Any, latest: Any, review: Any,
    total: int,
) -> dict[str, Probe]:  # fmt: skip
    from django.urls import reverse

    return {
        "board": Probe(
            reverse("partnerships:partnership_board"), _html(most_urgent.title, counts=board_counts)
        ),
        "list": Probe(list_url, _html(first.title, counts={'data-testid="partnerships"': 1})),
        "list_stage": Probe(f"{list_url}?stage=active", _html(active.title)),
        "list_gap": Probe(f"{list_url}?gap={gap_id}", _html(by_gap.title)),
        "list_search": Probe(f"{list_url}?q={SEARCH}", _html(found.title)),
        "coverage": Probe(
            reverse("coverage:matrix"),
            _html(
                gaps.order_by("pk").first().title, counts={'data-testid="gap-row"': gaps.count()}
            ),
        ),
        "dashboard": Probe(
            reverse("dashboard:home"),
            _html(latest.object_repr, review.title, counts={'data-testid="pipeline-funnel"': 1}),
        ),
        "api_list": Probe("/api/v1/partnerships", _api(total, first.title)),
    }


# Latency and query counts --------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class SqlTimer:
    """A database execute wrapper adding up the time spent in SQL (the query log rounds to 1 ms)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def measure_requests(
    client: Any, requests: dict[str, Probe], reps: int, report: Report, label: str
) -> dict[str, Any]:
    """p50/p95 ms, CPU and SQL time and the SQL query count of every request (None if broken).

    The timed repetitions go round the requests in turn, so a burst of other work on the
    machine lands on all of them alike rather than on whichever page was being timed.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: dict[str, Any] = {}
    for name, probe in requests.items():
        problem = probe.check(client.get(probe.url))
        if problem:
            report.fail(f"{name} {probe.url} at {label}: {problem}")
            results[name] = None
            continue
        for _ in range(WARMUP):
            client.get(probe.url)
        sql_timer = SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(sql_timer):
            response = client.get(probe.url)
        # Read the statements now: the next request's request_started signal clears the log.
        statements = [q["sql"] for q in captured.captured_queries]
        results[name] = {
            "url": probe.url,
            "sql_ms": round(sql_timer.seconds * 1000, 1),
            "kb": round(len(response.content) / 1024),
            "queries": len(statements),
            "sql": statements,
        }
    timed = [name for name, figures in results.items() if figures]
    timings: dict[str, list[float]] = {name: [] for name in timed}
    cpu: dict[str, list[float]] = {name: [] for name in timed}
    for _ in range(reps):
        for name in timed:
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(requests[name].url)
            timings[name].append((time.perf_counter() - started) * 1000)
            cpu[name].append((time.process_time() - cpu_started) * 1000)
    for name in timed:
        figures = results[name]
        figures.update(
            p50_ms=round(statistics.median(timings[name]), 1),
            p95_ms=round(_percentile(timings[name], 0.95), 1),
            # CPU time of this process (SQLite runs in it): what the page costs when the
            # machine is shared, as wall-clock percentiles then include waiting for a core.
            cpu_p50_ms=round(statistics.median(cpu[name]), 1),
            cpu_p95_ms=round(_percentile(cpu[name], 0.95), 1),
        )
        report.say(
            f"  {name:<12} p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms"
            f"  cpu p50 {figures['cpu_p50_ms']:6.1f} ms  sql {figures['sql_ms']:6.1f} ms"
            f"  {figures['queries']:2d} queries  {figures['kb']:5,} KB"
        )
    return results


def explain(name: str, figures: dict[str, Any], report: Report) -> None:
    """EXPLAIN QUERY PLAN and time of each SELECT of one request."""
    from django.db import connection

    report.say(f"  {name} ({figures['url']}): its statements")
    with connection.cursor() as cursor:
        for sql in figures["sql"]:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(sql)
            rows = len(cursor.fetchall())
            ms = (time.perf_counter() - started) * 1000
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "; ".join(row[-1] for row in cursor.fetchall())
            report.say(f"    {ms:6.1f} ms {rows:6,} rows  {sql[:100]}...", markup=False)
            report.say(f"             plan: {plan[:220]}", markup=False)


def _short_path(line: str) -> str:
    line = line.replace(str(ROOT) + "/", "")
    return re.sub(r"\S*/(site-packages|lib/python3\.\d+)/", "", line)


def profile(client: Any, name: str, url: str, report: Report, top: int = 12) -> None:
    """Where one request spends its time: the functions with the most own time, then the
    project's code, template tags and table columns by cumulative time (profiled, so slower)."""
    profiler = cProfile.Profile()
    profiler.enable()
    client.get(url)
    profiler.disable()
    where = r"accord/|templatetags|loader_tags|defaulttags|django_tables2/(rows|columns)"
    for order, restriction, title in (
        ("tottime", (top,), "own time"),
        ("cumulative", (where, top + 4), "cumulative time, project code and template tags"),
    ):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restriction)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), len(lines))
        report.say(f"  {name} profile by {title}:")
        for line in lines[start:]:
            if line.strip():
                report.say(f"    {_short_path(line)[:150]}", markup=False)


def analyze() -> float:
    """Gather planner statistics after a bulk load, as SQLite advises after large changes."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


# Main ---------------------------------------------------------------------------------------


def setup_django(workdir: Path) -> None:
    # STATIC_ROOT lives there; WhiteNoise warns when it is missing.
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    os.environ["ACCORD_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
    os.environ["ACCORD_SECRET_KEY"] = "benchmark-only-secret-key-not-used-elsewhere-0123456789"
    os.environ["ACCORD_DEBUG"] = "false"
    os.environ["ACCORD_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def describe(seeder: Seeder) -> str:
    from accord.core.models import AuditEvent
    from accord.partnerships.models import Partnership, PartnershipParty, StageTransition
    from accord.pilots.models import Milestone, Pilot

    return (
        f"{Partnership.objects.count():,} partnerships ({PartnershipParty.objects.count():,}"
        f" parties), {len(seeder.gaps):,} gaps, {len(seeder.plays):,} plays,"
        f" {StageTransition.objects.count():,} transitions, {AuditEvent.objects.count():,} audit"
        f" events, {seeder.organization_count + 1:,} organizations,"
        f" {Pilot.objects.count():,} pilots, {Milestone.objects.count():,} milestones"
    )


def summarize(report: Report, sizes: dict[str, Size], measured: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    small, large = measured["small"], measured["large"]
    n_small, n_large = sizes["small"].partnerships, sizes["large"].partnerships
    table = Table(
        title=f"S = {n_small:,} partnerships, L = {n_large:,} (ms; q = SQL queries)",
        caption=f"target: p95 <= {P95_TARGET_MS:.0f} ms at L, and q the same at S and L",
    )
    for column in ("request", "S p50", "S p95", "S q", "L p50", "L p95", "L cpu p50", "L q",
                   "L KB", "result"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("request", "result") else "right")
    for name in small:
        for label in ("small", "large"):
            figures = measured[label].get(name)
            for key in ("p50_ms", "p95_ms", "cpu_p50_ms", "cpu_p95_ms", "sql_ms", "queries", "kb"):
                report.figures[f"{name}_{key}_{label}"] = figures[key] if figures else None
        a, b = small[name], large.get(name)
        problems = []
        if not a or not b:
            problems.append("broken")
        else:
            report.figures[f"{name}_p95_ratio_large_vs_small"] = round(b["p95_ms"] / a["p95_ms"], 2)
            if a["queries"] != b["queries"]:
                problems.append("queries")
                report.fail(
                    f"{name}: {a['queries']} queries at {sizes['small'].partnerships:,}"
                    f" partnerships but {b['queries']} at {sizes['large'].partnerships:,}"
                )
            if b["p95_ms"] > P95_TARGET_MS:
                problems.append("p95")
                report.fail(
                    f"{name}: p95 {b['p95_ms']} ms > {P95_TARGET_MS:.0f} ms"
                    f" at {sizes['large'].partnerships:,} partnerships"
                )
        columns = [(a, "p50_ms"), (a, "p95_ms"), (a, "queries"), (b, "p50_ms"), (b, "p95_ms")]
        columns += [(b, "cpu_p50_ms"), (b, "queries"), (b, "kb")]
        cells = [f"{f[key]:,}" if f else "-" for f, key in columns]
        verdict = (
            "[red]FAIL " + ", ".join(problems) + "[/red]" if problems else "[green]PASS[/green]"
        )
        table.add_row(name, *cells, verdict)
    report.say(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--json", action="store_true", help="last stdout line is JSON figures")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    small, large, reps = sizes["small"], sizes["large"], sizes["reps"]
    report = Report(args.json)
    report.figures["load_average_1min_at_start"] = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-bench-pipeline-") as tmp:
        setup_django(Path(tmp))
        from django.test import Client

        from accord.accounts.services import user_create
        from accord.core import policy

        admin = user_create(actor=None, username="bench-admin", role=policy.ADMIN)
        client = Client()
        client.force_login(admin)
        seeder = Seeder(report, admin)
        measured: dict[str, dict[str, Any]] = {}
        for label, size in (("small", small), ("large", large)):
            seconds = seeder.grow_to(size)
            analyze_seconds = analyze()
            report.say(
                f"[bold]{describe(seeder)}[/bold]\n  seeded in {seconds:.1f} s,"
                f" ANALYZE {analyze_seconds:.2f} s"
            )
            requests = probes(seeder.gaps[0].pk)
            # The seeder's own objects stay alive; keep them out of the collections that the
            # timed requests trigger, as a server process would not hold them.
            gc.collect()
            gc.freeze()
            measured[label] = measure_requests(client, requests, reps, report, label)
            partner, workspace = workspace_probe()
            partner_client = Client()
            partner_client.force_login(partner)
            measured[label].update(measure_requests(partner_client, workspace, reps, report, label))
            report.figures[f"seed_seconds_{label}"] = round(seconds, 1)
        slow = {k: v for k, v in measured["large"].items() if v and v["p95_ms"] > P95_TARGET_MS}
        if slow:
            report.say(f"[bold]Over the target at {large.partnerships:,} partnerships[/bold]")
            ranked = sorted(slow.items(), key=lambda kv: -kv[1]["p95_ms"])
            for rank, (name, figures) in enumerate(ranked):
                explain(name, figures, report)
                if rank < 3:
                    profile(client, name, figures["url"], report)
        report.figures.update(
            partnerships_small=small.partnerships,
            partnerships_large=large.partnerships,
            gaps_small=small.gaps,
            gaps_large=large.gaps,
            transitions_large=seeder.transitions,
            audit_events_large=seeder.audit_events,
            organizations_large=seeder.organization_count + 1,
            repetitions=reps,
            p95_target_ms=P95_TARGET_MS,
        )
        summarize(report, {"small": small, "large": large}, measured)
    # Other work on the machine inflates wall-clock figures; the load shows how much to trust them.
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    report.figures["load_average_1min_at_end"] = round(load, 2)
    report.figures["cpu_count"] = cores
    if load > cores:
        report.say(
            f"[yellow]WARN[/yellow] load average {load:.1f} on {cores} cores: other work inflated"
            " the wall-clock latencies; the cpu_p50_ms figures show this process's own cost."
        )
    report.figures["failures"] = report.failures
    report.figures["seconds"] = round(time.perf_counter() - started, 1)
    report.say(f"done in {report.figures['seconds']} s, {len(report.failures)} failure(s)")
    if args.json:
        print(json.dumps(report.figures))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
