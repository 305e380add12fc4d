"""The demo strategy and pipeline: priorities, gaps, plays and partnerships with histories.

Called by `accord.demo.loading.load_demo` once the organizations and users exist. Every
write goes through the services (strategy, partnerships), so the demo is audited and every
stage move passes its gate like a real one: required fields filled, checklist confirmed, the
move into `active` made by an executive. Only the transitions' timestamps are set afterwards,
so the histories spread over the past months instead of the second the demo was loaded.

Some gaps are deliberately left uncovered (nothing, or only an exited partnership, behind
them) and some thin (a single early-stage candidate), so the coverage page has a story.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.core import policy
from accord.demo.governance import load_governance_demo
from accord.demo.metrics import load_metrics_demo
from accord.demo.partners import load_partner_users
from accord.demo.pilots import load_pilots_demo, scale_a_pilot
from accord.demo.relationships import load_relationships_demo
from accord.demo.review import load_review_demo
from accord.demo.surveys import load_surveys_demo
from accord.demo.ventures import load_ventures_demo
from accord.directory.models import Organization
from accord.notifications.services import raise_alerts
from accord.partnerships.gates import DEFAULT_GATES
from accord.partnerships.models import (
    PIPELINE,
    PartnershipParty,
    Stage,
    StageGate,
    StageTransition,
    Visibility,
)
from accord.partnerships.models import Partnership as PartnershipModel
from accord.partnerships.services import (
    document_upload,
    note_create,
    partnership_create,
    partnership_move,
)
from accord.pilots.gates import PILOT_SCALED
from accord.screening.due_diligence import due_diligence_start, due_diligence_update
from accord.strategy import services as strategy
from accord.strategy.models import StrategicPriority

PRIORITIES = [
    (
        "Industrial AI leadership",
        "Be the reference for AI on the factory floor: every line we ship sees, predicts and "
        "optimises itself.",
        4,
        30,
    ),
    (
        "Grid-scale energy",
        "Grow energy systems into a third of revenue: storage, grid software and hydrogen-ready "
        "drives.",
        5,
        25,
    ),
    (
        "Asia market access",
        "Double our installed base in Japan, Korea, India and South-East Asia through local "
        "partners rather than greenfield subsidiaries.",
        3,
        20,
    ),
    (
        "Circular materials",
        "Halve the virgin material in our products and take back what we sell.",
        5,
        15,
    ),
    (
        "Talent and research",
        "Secure the scientists and engineers the other priorities need, through universities "
        "and research institutes.",
        4,
        10,
    ),
]

# (priority index, title, kind, importance, short topic, description in the CEO's words)
GAPS = [
    (0, "Computer vision for quality inspection", "technology", 5, "vision inspection",
     "Computer vision for quality inspection on our factory lines: we still sample by hand and "
     "miss defects our customers find."),
    (0, "Predictive maintenance models for drives", "technology", 5, "predictive maintenance",
     "Predict drive and bearing failures weeks ahead from the vibration and current data we "
     "already collect."),
    (0, "Industrial data platform", "data", 4, "industrial data",
     "A data platform that pulls machine data from customers' plants securely, so our models "
     "have something to learn from."),
    (0, "Edge AI hardware", "technology", 4, "edge AI",
     "Inference hardware small and rugged enough to sit inside a drive cabinet."),
    (0, "Machine-learning engineers", "talent", 4, "ML talent",
     "Forty machine-learning engineers who understand physics, not only web data."),
    (0, "Robotics integration partners", "channel", 3, "robotics integration",
     "System integrators who put our drives into robot cells for mid-sized manufacturers."),
    (0, "AI regulation compliance", "regulatory", 3, "AI Act compliance",
     "Certify our AI features under the EU AI Act before our competitors do."),
    (0, "Digital twin of the production line", "technology", 3, "digital twins",
     "A digital twin customers can use to test a line change before stopping production."),
    (1, "Battery storage integration", "technology", 5, "battery storage",
     "Integrate containerised battery storage with our grid converters as one offer."),
    (1, "Grid software and forecasting", "technology", 5, "grid software",
     "Software that forecasts load and dispatches storage; utilities buy software, not boxes."),
    (1, "Hydrogen-ready power electronics", "technology", 4, "hydrogen",
     "Power electronics for electrolysers: a market we could own if we move in the next two "
     "years."),
    (1, "Utility customer access", "channel", 5, "utility access",
     "Relationships with the twenty largest European utilities' procurement teams."),
    (1, "Grid-code certification", "regulatory", 3, "grid codes",
     "Certification for grid codes in the US, UK and Australia."),
    (1, "Long-duration storage chemistry", "technology", 3, "long-duration storage",
     "A chemistry for eight-hour-plus storage; lithium will not do it economically."),
    (1, "Energy-as-a-service financing", "other", 3, "energy financing",
     "A financing partner so customers can pay for storage per kilowatt-hour, not up front."),
    (2, "Distribution in Japan", "geography", 5, "Japan distribution",
     "A distributor with a real service network in Japan; our two-person office cannot serve "
     "factories in Kyushu."),
    (2, "Market access in India", "geography", 4, "India market",
     "A way into India's new factories, which buy on price and want local service."),
    (2, "Korean manufacturing partner", "manufacturing", 4, "Korean manufacturing",
     "Local assembly in Korea to qualify for local-content rules."),
    (2, "South-East Asia resellers", "channel", 3, "ASEAN resellers",
     "Resellers in Vietnam, Thailand and Indonesia where factories are moving from China."),
    (2, "Local brand recognition in Asia", "brand", 2, "brand in Asia",
     "Nobody in Asia knows our name; a co-branded offer with a known local firm would help."),
    (3, "Recycled aluminium supply", "manufacturing", 4, "recycled aluminium",
     "A supplier of certified recycled aluminium for housings at today's price."),
    (3, "Product take-back logistics", "channel", 3, "take-back logistics",
     "Reverse logistics to take back drives at end of life in Europe."),
    (3, "Bio-based polymers for enclosures", "technology", 3, "bio-based polymers",
     "Bio-based polymers for enclosures that pass our fire and UV tests."),
    (3, "Materials passport data", "data", 3, "materials passport",
     "Data on what our products contain, ready for the EU digital product passport."),
    (3, "Rare-earth-free motors", "technology", 4, "rare-earth-free motors",
     "Motors without rare-earth magnets, to escape one supplier country."),
    (4, "Power-electronics PhDs", "talent", 4, "power-electronics research",
     "A pipeline of PhDs in power electronics; universities train too few."),
    (4, "Battery research lab access", "technology", 3, "battery research",
     "Access to a battery research lab without building our own."),
    (4, "Employer brand among engineers", "brand", 2, "employer brand",
     "Graduates do not know us; a visible research partnership would change that."),
]  # fmt: skip

# Gaps nothing covers (indices into GAPS): exposure the CEO should see at a glance.
UNCOVERED = [6, 13, 19, 23, 27]
# Gaps only one early candidate covers.
THIN = [3, 12, 14, 21, 26]

# (title, type, gap indices, budget, objective, status)
PLAYS = [
    ("Vision and maintenance AI alliances", "rd_alliance", [0, 1], 2_500_000,
     "Two or three R&D alliances that put vision and predictive maintenance into our drives.",
     "active"),
    ("Industrial data co-development", "co_development", [2, 7], 1_200_000,
     "Co-develop the data platform and digital twin with customers who already want them.",
     "active"),
    ("Storage joint venture", "joint_venture", [8, 9], 8_000_000,
     "A joint venture with a storage maker to sell converter and battery as one system.",
     "active"),
    ("Utility channel", "distribution", [11], 600_000,
     "Reach utilities' procurement through partners they already buy from.", "active"),
    ("Hydrogen venture stakes", "cvc", [10], 5_000_000,
     "Minority stakes in electrolyser start-ups, with commercial agreements attached.",
     "proposed"),
    ("Japan and India distribution", "distribution", [15, 16], 900_000,
     "Distributors with service networks in Japan and India.", "active"),
    ("Korea manufacturing", "supplier_co_innovation", [17], 1_500_000,
     "Local assembly with a Korean contract manufacturer.", "proposed"),
    ("Circular supply chain", "supplier_co_innovation", [20, 22, 24], 1_100_000,
     "Recycled and bio-based materials and rare-earth-free motors with our suppliers.",
     "active"),
    ("University research chairs", "innovation_hub", [4, 25], 750_000,
     "Endowed chairs and PhD programmes in power electronics and industrial AI.", "active"),
]  # fmt: skip

# How many partnerships end at each stage (64 in all).
STAGE_MIX = {
    Stage.CANDIDATE: 10,
    Stage.SCREENING: 9,
    Stage.ENGAGING: 9,
    Stage.NEGOTIATING: 7,
    Stage.PILOTING: 8,
    Stage.ACTIVE: 10,
    Stage.RENEWAL_REVIEW: 4,
    Stage.DECLINED: 4,
    Stage.EXITED: 3,
}

TITLES = {
    "rd_alliance": "{org} R&D alliance on {topic}",
    "co_development": "Co-developing {topic} with {org}",
    "distribution": "{org}: {topic}",
    "joint_venture": "{org} joint venture for {topic}",
    "licensing": "Licensing {topic} from {org}",
    "cvc": "Investment in {org} ({topic})",
    "open_innovation": "Open challenge on {topic}",
    "consortium": "{topic} consortium",
    "customer_co_innovation": "{topic} co-innovation with {org}",
    "supplier_co_innovation": "{topic} with {org}",
    "innovation_hub": "{org} research chair in {topic}",
    "technology_alliance": "{org} platform alliance for {topic}",
    "channel": "{org} reseller programme for {topic}",
}
TYPE_FOR_KIND = {
    "technology": ["rd_alliance", "co_development", "licensing", "cvc", "technology_alliance"],
    "data": ["co_development", "technology_alliance", "consortium"],
    "talent": ["innovation_hub", "open_innovation"],
    "channel": ["channel", "distribution", "customer_co_innovation"],
    "geography": ["distribution", "joint_venture", "channel"],
    "manufacturing": ["supplier_co_innovation", "joint_venture"],
    "regulatory": ["consortium", "licensing"],
    "brand": ["customer_co_innovation", "open_innovation"],
    "other": ["customer_co_innovation", "cvc"],
}
ROLE_FOR_TYPE = {
    "cvc": PartnershipParty.Role.INVESTEE,
    "customer_co_innovation": PartnershipParty.Role.CUSTOMER,
    "supplier_co_innovation": PartnershipParty.Role.SUPPLIER,
    "innovation_hub": PartnershipParty.Role.ACADEMIC,
    "consortium": PartnershipParty.Role.CONSORTIUM_MEMBER,
}
KINDS_FOR_TYPE = {
    "cvc": ["startup", "scaleup"],
    "innovation_hub": ["university", "research"],
    "supplier_co_innovation": ["supplier", "corporate"],
    "customer_co_innovation": ["customer", "corporate"],
    "joint_venture": ["corporate", "scaleup"],
    "distribution": ["corporate", "supplier"],
    "channel": ["corporate", "supplier", "scaleup"],
}
REASONS = {
    Stage.SCREENING: [
        "Came out top of the scan for this gap; worth a proper look.",
        "Introduced by our CTO after a trade-fair demo.",
        "Strong references from two of our customers.",
    ],
    Stage.ENGAGING: [
        "Rubric scores above the bar on technology and fit.",
        "Screening done: fits the priority, no knock-outs.",
        "Scored well; the BU lead wants to meet them.",
    ],
    Stage.NEGOTIATING: [
        "First workshops went well; both sides want a term sheet.",
        "Executive sponsor found; ethics and compliance checks clean.",
        "Their CEO came to Munich; we agreed to negotiate a pilot.",
    ],
    Stage.PILOTING: [
        "Pilot agreement signed for one line; success criteria agreed.",
        "Twelve-week pilot approved with a fixed budget.",
        "Pilot scoped with two plants; KPIs agreed with the partner.",
    ],
    Stage.ACTIVE: [
        "Pilot met its targets; steering committee named and contract signed.",
        "Board approved the agreement; governance in place.",
        "Go decision at the pilot review: scale to all plants.",
    ],
    Stage.RENEWAL_REVIEW: [
        "Agreement ends this year; time to decide whether to renew.",
        "Annual review due under the contract.",
    ],
    Stage.DECLINED: [
        "Technology not mature enough for our lines.",
        "They chose to work with a competitor.",
        "Failed the ethics and compliance review.",
        "Too expensive for the value we expect.",
    ],
    Stage.EXITED: [
        "Strategic fit gone after their acquisition; wound down by mutual agreement.",
        "KPIs missed for three quarters; exit clause used.",
        "Joint objectives met; the alliance ended as planned.",
    ],
}
BACKWARD_REASON = "Scope changed; back one step to renegotiate."
VALUE_FOR_US = {
    "technology": "Closes our gap in {topic} two to three years faster than building it.",
    "data": "Gives us the {topic} we need to train and sell our AI features.",
    "talent": "A steady flow of people in {topic} and first access to their research.",
    "channel": "Reach into customers through {topic} without new sales headcount.",
    "geography": "Sales and service in the market ({topic}) without a subsidiary.",
    "manufacturing": "Secures {topic} at a cost our business case needs.",
    "regulatory": "Gets us ahead on {topic} and shapes the rules rather than follow them.",
    "brand": "Makes our name known ({topic}) where we are unknown today.",
    "other": "Unlocks {topic} for customers who cannot pay up front.",
}
VALUE_FOR_PARTNER = [
    "Access to our installed base of 40,000 drives and our industrial customers.",
    "A reference customer of our size and joint go-to-market in Europe.",
    "Our field data and engineering teams to harden their product for industry.",
    "Volume commitments and a path into our supply chain.",
    "Funding, a board observer seat and commercial introductions.",
]
IP_TERMS = [
    "Background IP stays with each side; foreground IP jointly owned, each free to use it.",
    "Partner keeps its IP; we get a non-exclusive, royalty-free licence in our field.",
    "Foreground IP ours; partner licensed back for use outside industrial automation.",
    "Standard consortium agreement: results shared among members under FRAND terms.",
]
CHECKLIST_NOTE = "Checklist confirmed as part of the demo history."
MANAGERS = [("alliance", policy.MANAGER), ("ventures", policy.MANAGER), ("bu-lead", policy.MANAGER)]
EXECUTIVES = [("ceo", policy.EXECUTIVE), ("cto", policy.EXECUTIVE)]
PASSWORD = "accord-demo"  # noqa: S105 - the published demo login, as in directory.demo


def _users(admin: User) -> tuple[list[User], list[User]]:
    def get_or_create(username: str, role: str) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        return user_create(actor=admin, username=username, role=role, password=PASSWORD)

    managers = [get_or_create(u, r) for u, r in MANAGERS]
    executives = [get_or_create(u, r) for u, r in EXECUTIVES]
    return managers, executives


def _strategy(admin: User, executives: list[User], managers: list[User], today: dt.date):
    priorities = [
        strategy.priority_create(
            actor=admin,
            data={
                "title": title,
                "description": description,
                "horizon_year": today.year + years,
                "weight": weight,
                "owner": executives[i % len(executives)],
            },
        )
        for i, (title, description, years, weight) in enumerate(PRIORITIES)
    ]
    gaps = [
        strategy.gap_create(
            actor=admin,
            data={
                "priority": priorities[p],
                "title": title,
                "kind": kind,
                "importance": importance,
                "description": description,
                "target_date": today.replace(month=12, day=31) + dt.timedelta(days=365 * (i % 3)),
                "status": "addressing" if i not in UNCOVERED else "open",
            },
        )
        for i, (p, title, kind, importance, _topic, description) in enumerate(GAPS)
    ]
    plays = [
        strategy.play_create(
            actor=admin,
            data={
                "title": title,
                "type": kind,
                "budget": Decimal(budget),
                "objective": objective,
                "status": status,
                "owner": managers[i % len(managers)],
            },
            gaps=[gaps[g] for g in gap_indices],
        )
        for i, (title, kind, gap_indices, budget, objective, status) in enumerate(PLAYS)
    ]
    return gaps, plays


def _path(rng: random.Random, final: str) -> list[str]:
    """The stages a partnership went through to reach `final`, candidate excluded."""
    if final == Stage.DECLINED:
        stop = rng.choice(PIPELINE[:4])
        return [*PIPELINE[1 : PIPELINE.index(stop) + 1], final]
    if final == Stage.EXITED:
        return [*PIPELINE[1 : PIPELINE.index(Stage.ACTIVE) + 1], final]
    steps = PIPELINE[1 : PIPELINE.index(final) + 1]
    if final in (Stage.PILOTING, Stage.ACTIVE) and rng.random() < 0.3:
        # A pilot renegotiated: back to negotiating, then forward again.
        at = steps.index(Stage.PILOTING)
        steps = [*steps[: at + 1], Stage.NEGOTIATING, *steps[at:]]
    return steps


def _fields_for(stages: list[str], rng: random.Random, today: dt.date, **context: Any):
    """The partnership's data: every field the gates on its path need, with plausible dates."""
    reached = {s for s in stages if s in PIPELINE}
    kind, topic = context["kind"], context["topic"]
    age = 60 + 40 * len(stages) + rng.randint(0, 120)  # days since it entered the pipeline
    data: dict[str, Any] = {
        "value_for_us": VALUE_FOR_US[kind].format(topic=topic),
        "owner": context["owner"],
    }
    if Stage.NEGOTIATING in reached or Stage.ENGAGING in reached:
        nda = today - dt.timedelta(days=age - 30)
        expires = nda + dt.timedelta(days=730)
        if rng.random() < 0.2:
            expires = today + dt.timedelta(days=rng.randint(5, 55))  # soon: the dashboard shows it
        data.update(nda_signed_on=nda, nda_expires_on=max(expires, nda))
    if Stage.NEGOTIATING in reached:
        data.update(
            executive_sponsor=context["sponsor"], value_for_partner=rng.choice(VALUE_FOR_PARTNER)
        )
    if Stage.PILOTING in reached:
        start = today - dt.timedelta(days=max(30, age - 90))
        data.update(
            start_date=start,
            budget=Decimal(rng.choice([80, 150, 250, 400, 750, 1200]) * 1000),
            committed_fte=Decimal(rng.choice(["0.5", "1.0", "2.0", "3.5"])),
        )
    if Stage.ACTIVE in reached:
        data.update(
            signed_on=data["start_date"] + dt.timedelta(days=rng.randint(0, 20)),
            ip_terms=rng.choice(IP_TERMS),
            renewal_notice_days=rng.choice([None, 60, 90, 180]),
        )
        if context["type"] == "joint_venture":
            data["equity_split"] = "51 / 49, us the majority"
        data["end_date"] = data["start_date"] + dt.timedelta(days=rng.choice([730, 1095, 1460]))
    if Stage.RENEWAL_REVIEW in reached or context["final"] == Stage.RENEWAL_REVIEW:
        data["end_date"] = today + dt.timedelta(days=rng.randint(20, 120))
    if context["final"] in (Stage.PILOTING, Stage.ACTIVE, Stage.RENEWAL_REVIEW, Stage.NEGOTIATING):
        data["next_review_date"] = today + dt.timedelta(
            days=rng.choice([-21, -9, -3, 4, 12, 26, 45, 75])
        )
    elif Stage.ACTIVE in reached:
        data["next_review_date"] = today - dt.timedelta(days=rng.randint(100, 300))
    return data


def _organizations_for(
    rng: random.Random, kind: str, pool: dict[str, list[Organization]], count: int
) -> list[Organization]:
    kinds = KINDS_FOR_TYPE.get(kind, ["startup", "scaleup", "corporate", "research"])
    candidates = [o for k in kinds for o in pool.get(k, [])] or [
        o for orgs in pool.values() for o in orgs
    ]
    return rng.sample(candidates, min(count, len(candidates)))


def _move_through(partnership, path, owner, executive, rng, topic) -> list[Any]:
    gates = {g.stage: g for g in StageGate.objects.all()}
    transitions = []
    scaled = False
    for stage in path:
        gate = gates.get(stage)
        checklist = gate.checklist if gate else DEFAULT_GATES.get(stage, {}).get("checklist", [])
        backward = stage in PIPELINE and PIPELINE.index(stage) < PIPELINE.index(partnership.stage)
        needs_executive = bool(gate and gate.approver_role) and not backward
        reason = BACKWARD_REASON if backward else rng.choice(REASONS[stage])
        if gate and "due_diligence" in gate.required_fields and not backward:
            _due_diligence_done(partnership, owner)
        if gate and PILOT_SCALED in gate.required_fields and not backward and not scaled:
            scale_a_pilot(partnership, owner, executive, rng, topic)
            scaled = True
        transitions.append(
            partnership_move(
                actor=executive if needs_executive else owner,
                partnership=partnership,
                to_stage=stage,
                reason=reason,
                confirmed=checklist,
            )
        )
    return transitions


def _due_diligence_done(partnership: Any, owner: User) -> None:
    for item in due_diligence_start(actor=owner, partnership=partnership):
        due_diligence_update(
            actor=owner,
            item=item,
            data={"status": "done", "evidence": "Checked by the alliance office; file on record."},
        )


def _backdate(transitions: list[Any], today: dt.date, rng: random.Random) -> None:
    """Spread the moves over the past months: the last one a few days to weeks ago."""
    now = timezone.now()
    at = now - dt.timedelta(days=rng.randint(2, 40))
    for transition in reversed(transitions):
        transition.at = at - dt.timedelta(hours=rng.randint(0, 9))
        at -= dt.timedelta(days=rng.randint(14, 60))


def load_pipeline_demo(
    *,
    admin: User,
    organizations: list[Organization],
    partner_organization: Organization,
    rng: random.Random,
) -> dict[str, int]:
    """Priorities, gaps, plays and 64 partnerships over every stage, with histories and
    their pilots."""
    if StrategicPriority.objects.exists():
        return {"partnerships": PartnershipModel.objects.count(), "created": 0}
    today = timezone.localdate()
    managers, executives = _users(admin)
    gaps, plays = _strategy(admin, executives, managers, today)
    play_by_gap = {g: plays[i] for i, p in enumerate(PLAYS) for g in p[2]}
    pool: dict[str, list[Organization]] = {}
    for organization in organizations:
        if not organization.is_self and organization.pk != partner_organization.pk:
            pool.setdefault(organization.kind, []).append(organization)
    strong = [i for i in range(len(GAPS)) if i not in UNCOVERED and i not in THIN]
    finals = [stage for stage, n in STAGE_MIX.items() for _ in range(n)]
    thin_queue = list(THIN)
    partner_slots = {33, 38, 45}  # which partnerships the demo partner user's company joins
    titles: set[str] = set()
    all_transitions = []
    runs: list[tuple[Any, User, str]] = []
    for index, final in enumerate(finals):
        if final in (Stage.CANDIDATE, Stage.SCREENING) and thin_queue and index % 2 == 0:
            gap_indices = [thin_queue.pop(0)]
        elif final == Stage.EXITED and index == len(finals) - 1:
            gap_indices = [UNCOVERED[0]]  # tried once and exited: still uncovered
        else:
            gap_indices = rng.sample(strong, rng.choice([1, 1, 2]))
        first = GAPS[gap_indices[0]]
        kind, topic = first[2], first[4]
        play = play_by_gap.get(gap_indices[0]) if rng.random() < 0.6 else None
        ptype = play.type if play is not None else rng.choice(TYPE_FOR_KIND[kind])
        parties_count = 3 + rng.randint(0, 2) if ptype == "consortium" else rng.choice([1, 1, 2])
        orgs = _organizations_for(rng, ptype, pool, parties_count)
        if index in partner_slots:
            orgs = [partner_organization, *orgs[: parties_count - 1]]
        role = ROLE_FOR_TYPE.get(ptype, PartnershipParty.Role.PARTNER)
        parties = [
            (o, PartnershipParty.Role.LEAD if ptype == "consortium" and n == 0 else role)
            for n, o in enumerate(orgs)
        ]
        title = TITLES[ptype].format(org=orgs[0].name, topic=topic)
        title = title[0].upper() + title[1:]
        if title in titles:
            title = f"{title} ({index})"
        titles.add(title)
        owner = managers[index % len(managers)]
        path = _path(rng, final)
        data = _fields_for(
            path,
            rng,
            today,
            kind=kind,
            topic=topic,
            owner=owner,
            sponsor=executives[index % len(executives)],
            type=ptype,
            final=final,
        )
        confidential = ptype in ("joint_venture", "cvc") and index % 4 == 0
        partnership = partnership_create(
            actor=owner,
            data={"title": title, "type": ptype, "play": play, "is_confidential": confidential,
                  **data},
            parties=parties,
            gaps=[gaps[g] for g in gap_indices],
            team=_team(index, managers, admin),
        )  # fmt: skip
        transitions = _move_through(partnership, path, owner, executives[0], rng, topic)
        runs.append((partnership, owner, topic))
        _backdate(transitions, today, rng)
        all_transitions += transitions
        if index in partner_slots:
            _shared_notes(partnership, owner, partner_organization)
    StageTransition.objects.bulk_update(all_transitions, ["at"])
    partners = load_partner_users(
        admin=admin,
        partnerships=[run[0] for run in runs],
        known=User.objects.get(organization=partner_organization),
    )
    pilots = load_pilots_demo(runs=runs, executive=executives[0], partners=partners, rng=rng)
    governance = load_governance_demo(runs=runs, sponsor=executives[0], partners=partners, rng=rng)
    metrics = load_metrics_demo(admin=admin, rng=rng)
    metrics.update(load_surveys_demo(rng=rng))
    metrics.update(load_review_demo(executive=executives[0]))
    metrics.update(load_relationships_demo(admin=admin, rng=rng))
    metrics.update(load_ventures_demo(admin=admin, rng=rng))
    metrics["notifications"] = raise_alerts().notifications
    return {
        **pilots,
        **governance,
        **metrics,
        "priorities": len(PRIORITIES),
        "gaps": len(gaps),
        "plays": len(plays),
        "partnerships": len(finals),
        "transitions": len(all_transitions),
    }


def _team(index: int, managers: list[User], admin: User) -> list[User]:
    """Every third partnership has a second manager; every seventh has the demo administrator,
    so the demo login's own dashboard lists some partnerships."""
    team = [managers[(index + 1) % len(managers)]] if index % 3 == 0 else []
    return [*team, admin] if index % 7 == 0 else team


def _shared_notes(partnership: Any, owner: User, organization: Organization) -> None:
    agenda = (
        "Steering committee agenda\n\n1. Pilot KPIs against the success criteria\n"
        "2. Data-sharing annex: open points\n3. Site visit: dates and attendees\n"
    )
    document_upload(
        actor=owner,
        partnership=partnership,
        upload=SimpleUploadedFile("steering-committee-agenda.md", agenda.encode()),
        title="Steering committee agenda",
        visibility=Visibility.SHARED,
        shared_with=[organization.pk],
    )
    note_create(
        actor=owner,
        partnership=partnership,
        body="Agenda for the next steering committee: pilot KPIs, the data-sharing annex, "
        "and dates for the site visit.",
        visibility=Visibility.SHARED,
        shared_with=[organization.pk],
    )
    note_create(
        actor=owner,
        partnership=partnership,
        body="Internal: their CFO is pushing for exclusivity in Japan; do not concede before "
        "the pilot results.",
        visibility=Visibility.INTERNAL,
    )
    partner = User.objects.filter(organization=organization).first()  # only partners have one
    if partner is not None:
        note_create(
            actor=partner,
            partnership=partnership,
            body="Our engineering team can host the site visit in the second half of the month.",
            visibility=Visibility.SHARED,
        )
