"""The demo directory: our company, ~300 organizations, ~800 people, tags and the users.

Deterministic for a seed, generated here (nothing is copied from outside data sets), and
written through the services so it is audited like any other change.
"""

from __future__ import annotations

import random
from typing import Any

from rich.progress import Progress

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.core import policy
from accord.directory import services
from accord.directory.models import Organization

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "accord-demo"  # noqa: S105 - a published demo login, never used outside the demo

SECTORS = {
    "industrial AI": [
        "computer vision",
        "predictive maintenance",
        "quality inspection",
        "robotics",
    ],
    "energy": ["battery storage", "grid software", "hydrogen", "solar"],
    "health": ["diagnostics", "digital therapeutics", "medical imaging", "clinical data"],
    "mobility": ["EV charging", "fleet telematics", "autonomous driving", "logistics"],
    "fintech": ["payments", "embedded finance", "fraud detection", "risk analytics"],
    "materials": ["advanced materials", "recycling", "bio-based polymers", "coatings"],
    "connectivity": ["5G", "IoT platforms", "edge computing", "satellite links"],
    "security": ["cybersecurity", "identity", "OT security", "privacy engineering"],
    "climate": ["carbon capture", "carbon accounting", "water tech", "agritech"],
    "software": ["data platforms", "developer tools", "low-code", "digital twins"],
}
COUNTRIES = [
    "US",
    "DE",
    "GB",
    "FR",
    "NL",
    "SE",
    "FI",
    "CH",
    "IL",
    "JP",
    "KR",
    "SG",
    "IN",
    "CA",
    "BR",
    "ES",
    "IT",
    "DK",
    "NO",
    "AU",
    "CN",
    "TW",
    "AT",
    "BE",
    "PL",
    "PT",
    "IE",
    "EE",
]
CITIES = {
    "US": ["Boston", "San Francisco", "Austin", "Pittsburgh", "Seattle"],
    "DE": ["Munich", "Berlin", "Stuttgart", "Aachen"],
    "GB": ["London", "Cambridge", "Manchester"],
    "FR": ["Paris", "Grenoble", "Lyon"],
    "NL": ["Eindhoven", "Amsterdam", "Delft"],
    "SE": ["Stockholm", "Gothenburg"],
    "FI": ["Helsinki", "Espoo"],
    "CH": ["Zurich", "Lausanne"],
    "IL": ["Tel Aviv", "Haifa"],
    "JP": ["Tokyo", "Osaka"],
    "KR": ["Seoul", "Daejeon"],
    "SG": ["Singapore"],
    "BR": ["São Paulo", "Campinas"],
    "ES": ["Madrid", "Barcelona"],
    "IT": ["Milan", "Turin"],
    "DK": ["Copenhagen", "Aarhus"],
    "NO": ["Oslo", "Trondheim"],
    "AU": ["Sydney", "Melbourne"],
    "CN": ["Shenzhen", "Shanghai"],
    "TW": ["Hsinchu", "Taipei"],
    "AT": ["Vienna", "Graz"],
    "BE": ["Leuven", "Brussels"],
    "PL": ["Warsaw", "Kraków"],
    "PT": ["Lisbon", "Porto"],
    "IE": ["Dublin", "Cork"],
    "EE": ["Tallinn", "Tartu"],
    "IN": ["Bengaluru", "Pune"],
    "CA": ["Toronto", "Montreal"],
}
PREFIXES = [
    "Nova",
    "Quanta",
    "Helio",
    "Terra",
    "Volt",
    "Lumen",
    "Axi",
    "Cogni",
    "Pura",
    "Strata",
    "Vireo",
    "Kinet",
    "Orbi",
    "Sensa",
    "Ferro",
    "Aero",
    "Cira",
    "Zeni",
    "Hexa",
    "Magna",
    "Opti",
    "Tessel",
    "Brio",
    "Delta",
    "Evo",
    "Fluxi",
    "Graphe",
    "Iono",
    "Juno",
    "Kyro",
]
SUFFIXES = [
    "labs",
    "works",
    "ware",
    "grid",
    "sense",
    "forge",
    "loop",
    "scale",
    "mind",
    "path",
    "cell",
    "flow",
    "tech",
    "systems",
    "dynamics",
    "bio",
    "motion",
    "core",
    "line",
    "metrics",
]
KIND_WEIGHTS = {
    Organization.Kind.STARTUP: 40,
    Organization.Kind.SCALEUP: 12,
    Organization.Kind.CORPORATE: 12,
    Organization.Kind.UNIVERSITY: 8,
    Organization.Kind.RESEARCH: 6,
    Organization.Kind.GOVERNMENT: 3,
    Organization.Kind.INVESTOR: 7,
    Organization.Kind.ASSOCIATION: 4,
    Organization.Kind.SUPPLIER: 5,
    Organization.Kind.CUSTOMER: 5,
}
FIRST = [
    "Ada",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kira",
    "Luca",
    "Maya",
    "Nils",
    "Olga",
    "Priya",
    "Quentin",
    "Rosa",
    "Sami",
    "Tara",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amara",
    "Bruno",
    "Carmen",
    "Dario",
    "Emeka",
    "Freya",
]
LAST = [
    "Andersen",
    "Bauer",
    "Chen",
    "Dubois",
    "Eriksson",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Laurent",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
    "Tanaka",
    "Umar",
    "Virtanen",
    "Weber",
    "Yamada",
    "Zimmermann",
    "Novak",
    "Costa",
    "Kim",
]
TITLES = [
    "CEO",
    "CTO",
    "Head of Partnerships",
    "VP Business Development",
    "Research Director",
    "Product Lead",
    "Head of Innovation",
    "Investment Partner",
    "Procurement Lead",
    "Professor",
]
DEMO_USERS = [
    ("demo", policy.ADMIN),
    ("ceo", policy.EXECUTIVE),
    ("alliance", policy.MANAGER),
    ("cvc", policy.VENTURES),
    ("reviewer", policy.CONTRIBUTOR),
    ("viewer", policy.VIEWER),
]


def _organization_name(rng: random.Random, kind: str, used: set[str]) -> str:
    while True:
        base = rng.choice(PREFIXES) + rng.choice(SUFFIXES)
        if kind == Organization.Kind.UNIVERSITY:
            town = rng.choice(PREFIXES) + rng.choice(["ford", "burg", "stadt", "haven"])
            name = f"University of {town}"
        elif kind == Organization.Kind.RESEARCH:
            name = f"{base.capitalize()} Research Institute"
        elif kind == Organization.Kind.INVESTOR:
            name = f"{base.capitalize()} Ventures"
        elif kind == Organization.Kind.GOVERNMENT:
            level = rng.choice(["National", "Regional", "Federal"])
            topic = rng.choice(["Innovation", "Energy", "Digital"])
            name = f"{level} {topic} Agency {rng.randint(1, 99)}"
        elif kind == Organization.Kind.ASSOCIATION:
            body = rng.choice(["Alliance", "Consortium", "Association"])
            name = f"{body} for {rng.choice(list(SECTORS)).title()} {rng.randint(1, 99)}"
        elif kind == Organization.Kind.CORPORATE:
            name = f"{base.capitalize()} {rng.choice(['Group', 'Industries', 'AG', 'Corporation'])}"
        else:
            name = base.capitalize()
        if name not in used:
            used.add(name)
            return name


def _organization_data(
    rng: random.Random, kind: str, name: str
) -> tuple[dict[str, Any], list[str]]:
    sector = rng.choice(list(SECTORS))
    topics = rng.sample(SECTORS[sector], 2)
    country = rng.choice(COUNTRIES)
    startup_like = kind in (Organization.Kind.STARTUP, Organization.Kind.SCALEUP)
    data = {
        "name": name,
        "kind": kind,
        "country": country,
        "city": rng.choice(CITIES.get(country, ["Capital City"])),
        "website": f"https://{name.lower().replace(' ', '')[:24]}.example",
        "founded_year": rng.randint(2008, 2023) if startup_like else rng.randint(1850, 2015),
        "size_band": rng.choice(["1-10", "11-50", "51-200"])
        if startup_like
        else rng.choice(["201-1000", "1001-5000", "5001+"]),
        "stage": rng.choice(["seed", "early", "growth"])
        if startup_like
        else ("mature" if kind == Organization.Kind.CORPORATE else ""),
        "one_liner": f"{topics[0].capitalize()} and {topics[1]} for {sector} customers.",
        "description": (
            f"{name} works on {topics[0]} and {topics[1]}. "
            f"It partners with companies in {sector} to move from pilot to production, "
            f"and has teams in {country}."
        ),
    }
    return data, [sector, *topics]


def load_directory_demo(
    *, rng: random.Random, organizations: int, people: int, progress: bool
) -> dict[str, int]:
    """Our company, the organizations, their people, the users; once."""
    admin = (
        user_create(actor=None, username=DEMO_USERNAME, role=policy.ADMIN, password=DEMO_PASSWORD)
        if not User.objects.filter(username=DEMO_USERNAME).exists()
        else User.objects.get(username=DEMO_USERNAME)
    )
    ours = services.organization_create(
        actor=admin,
        data={
            "name": "Northwind Dynamics",
            "kind": Organization.Kind.CORPORATE,
            "country": "DE",
            "city": "Munich",
            "website": "https://northwind.example",
            "founded_year": 1961,
            "size_band": "5001+",
            "stage": "mature",
            "is_self": True,
            "one_liner": "Industrial automation and energy systems.",
            "description": "Our company: industrial automation, drives and energy systems"
            " for factories and grids.",
        },
    )
    tag_cache: dict[str, Any] = {}
    used: set[str] = set()
    created = [ours]
    kinds, weights = zip(*KIND_WEIGHTS.items(), strict=True)
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("Organizations", total=organizations)
        for _ in range(organizations):
            kind = rng.choices(kinds, weights)[0]
            data, tag_names = _organization_data(rng, kind, _organization_name(rng, kind, used))
            missing = [n for n in tag_names if n not in tag_cache]
            for tag in services.tags_get_or_create(actor=admin, names=missing):
                tag_cache[tag.name] = tag
            created.append(
                services.organization_create(
                    actor=admin, data=data, tags=[tag_cache[n] for n in tag_names]
                )
            )
            bar.advance(task)
        task = bar.add_task("People", total=people)
        for index in range(people):
            organization = ours if index < 60 else rng.choice(created)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            services.person_create(
                actor=admin,
                data={
                    "full_name": f"{first} {last}",
                    "organization": organization,
                    "title": rng.choice(TITLES),
                    "is_internal": organization is ours,
                    "email": f"{first}.{last}{index}@{organization.domain}".lower(),
                    "relation": "employee"
                    if organization is ours
                    else rng.choice(["contact", "contact", "board", "advisor", "investor"]),
                    "country": organization.country,
                    "city": organization.city,
                },
            )
            bar.advance(task)
    for username, role in DEMO_USERS[1:]:
        user_create(actor=admin, username=username, role=role, password=DEMO_PASSWORD)
    partner_org = created[1]
    user_create(
        actor=admin,
        username="partner",
        role=policy.PARTNER,
        password=DEMO_PASSWORD,
        organization=partner_org,
    )
    return {
        "organizations": Organization.objects.count(),
        "people": people,
        "created": len(created),
    }
