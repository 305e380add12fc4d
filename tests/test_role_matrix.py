"""Every URL pattern and every API operation, walked as every role.

The endpoints are enumerated from the URL configuration and the OpenAPI schema, so an endpoint
added later is covered the day it is added: it must declare its action (`@access(...)` on a
view, `x-accord-action` on an API operation) or this test fails. What each role may do is the
design's table below (DESIGN §3), written independently of the policy module's own table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accord.accounts.models import ApiToken, User
from accord.accounts.services import token_create, user_create
from accord.api import api
from accord.core.models import AuditEvent, WorkerHeartbeat
from accord.core.policy import visible_to
from accord.directory import services as directory
from accord.directory.models import Organization, Person, Tag
from accord.partnerships import services as partnerships
from accord.partnerships.models import (
    Document,
    Note,
    NoteComment,
    Partnership,
    PartnershipParty,
    StageGate,
)
from accord.scouting import services as scouting
from accord.scouting.models import Scan, ScanCandidate
from accord.screening import rounds, rubrics
from accord.screening.due_diligence import due_diligence_start, template_install_defaults
from accord.screening.models import (
    Assessment,
    Criterion,
    DueDiligenceItem,
    DueDiligenceTemplateItem,
    ReviewAssignment,
    Rubric,
    RubricVersion,
    Screening,
    ScreeningCandidate,
)
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests import matrix_samples

matrix_samples.load()

ROLES = ("admin", "executive", "manager", "ventures", "contributor", "viewer", "partner_a",
         "partner_b", "anonymous")  # fmt: skip
INTERNAL = {"admin", "executive", "manager", "ventures", "contributor", "viewer"}
DESIGN: dict[str, set[str]] = {
    "public": set(ROLES),
    "signed_in": set(ROLES) - {"anonymous"},
    "directory.view": INTERNAL,
    "directory.change": {"admin", "manager"},
    "directory.import": {"admin", "manager"},
    "audit.view": {"admin"},
    "system.view": {"admin"},
    "users.manage": {"admin"},
    "strategy.view": INTERNAL,
    "strategy.change": {"admin", "executive", "manager"},
    "partnership.view": INTERNAL,
    # The sample partnership is owned by the manager; other managers are tested elsewhere.
    "partnership.change": {"admin", "manager"},
    "partnership.move": {"admin", "executive", "manager"},
    "gates.manage": {"admin"},
    "workspace.view": {"partner_a", "partner_b"},
    # Partner users never see scores, assessments or due diligence (DESIGN §3).
    "screening.view": INTERNAL,
    "screening.manage": {"admin", "manager"},
    "screening.assess": {"admin", "executive", "manager", "contributor"},
    "scouting.view": INTERNAL,
    "scouting.manage": {"admin", "manager"},
    "metrics.define": {"admin", "executive", "manager"},
    "portfolio.review": {"admin", "executive"},
    # Interactions and connections are never a partner's; private ones are tested elsewhere.
    "relationships.view": INTERNAL,
    "relationships.record": {"admin", "executive", "manager", "contributor"},
    "webhooks.manage": {"admin"},
    # Venture data never reaches other roles (the access rule).
    "ventures.view": {"admin", "executive", "ventures"},
    "ventures.change": {"admin", "ventures"},
}
# Object pages of the partner workspace: only the party's own users (organization B).
WORKSPACE_OBJECT = {"partner_b"}
API_DOCS = {"/api/v1/openapi.json", "/api/v1/docs"}
ORG_A_NAME, ORG_B_NAME = "Alpha Robotics Matrix", "Beta Materials Matrix"
# A confidential partnership of a third organization, owned by the administrator: every other
# role is outside it and must never read its title or its assessments' evidence anywhere.
SECRET_TITLE, SECRET_EVIDENCE = "Sealed Orchid venture", "Orchid-only evidence"
SECRET_MEMBERS = {"admin"}


@dataclass
class Endpoint:
    name: str
    route: str
    action: str | None
    model_hint: str | None

    def __str__(self) -> str:
        return self.name


def _declared_action(callback: Any) -> str | None:
    action = getattr(callback, "access_action", None)
    view_class = getattr(callback, "view_class", None)
    if action is None and view_class is not None:
        action = getattr(view_class.dispatch, "access_action", None)
    return action


def _walk(patterns: list, prefix: str = "", namespace: str = "") -> list[Endpoint]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            route = prefix + str(entry.pattern)
            if route.startswith("api/"):
                continue  # walked through the OpenAPI schema below
            space = entry.namespace or namespace
            found += _walk(entry.url_patterns, route, space)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            hint = f"{namespace}.{entry.name.split('_')[0]}" if entry.name else None
            found.append(Endpoint(name, prefix + str(entry.pattern),
                                  _declared_action(entry.callback), hint))  # fmt: skip
    return found


def url_endpoints() -> list[Endpoint]:
    return _walk(get_resolver().url_patterns)


def api_operations() -> list[tuple[str, str, str | None]]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            found.append((method.upper(), path, operation.get("x-accord-action")))
    return found


def _model_for(hint: str) -> type[models.Model]:
    prefix = hint.split(".")[-1]
    names = {model._meta.model_name: model for model in apps.get_models()}
    if prefix in names:
        return names[prefix]
    for name, model in names.items():
        if name.endswith(prefix):
            return model
    raise LookupError(f"no model for URL name prefix {hint!r}: name the URL after its model")


def _model_for_segment(segment: str) -> type[models.Model]:
    plurals = {
        str(model._meta.verbose_name_plural).replace(" ", "-").lower(): model
        for model in apps.get_models()
    }
    if segment in plurals:
        return plurals[segment]
    for plural, model in plurals.items():
        if plural.endswith(segment):
            return model
    raise LookupError(f"no model for API path segment {segment!r}")


# Every test here uses the database, so that a worker given only these tests sets it up.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The world, built once for the module inside a transaction that is rolled back at its end:
    building it for each of the thousands of walks cost most of the suite's time. Its uploaded
    files stay in a folder of the module's."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("matrix-media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media_in_tmp() -> None:
    """The world's files are the module's (above), not each test's."""


@pytest.fixture
def world(shared_world, db) -> dict[str, Any]:
    """Each walk inside a transaction of its own (the `db` fixture's), nested in the module's:
    what it writes is undone before the next."""
    return shared_world


def build_world() -> dict[str, Any]:
    """Two partner organizations and a sample of every directory object, owned by B."""
    admin = user_create(actor=None, username="m-admin", role="admin")
    org_a = directory.organization_create(actor=admin, data={"name": ORG_A_NAME})
    org_b = directory.organization_create(actor=admin, data={"name": ORG_B_NAME})
    tag = directory.tag_create(actor=admin, data={"name": "matrix-tag"})
    person = directory.person_create(
        actor=admin, data={"full_name": "Bea Matrix", "organization": org_b}
    )
    users: dict[str, User | None] = {"admin": admin, "anonymous": None}
    for role in ("executive", "manager", "ventures", "contributor", "viewer"):
        users[role] = user_create(actor=admin, username=f"m-{role}", role=role)
    users["partner_a"] = user_create(
        actor=admin, username="m-partner-a", role="partner", organization=org_a
    )
    users["partner_b"] = user_create(
        actor=admin, username="m-partner-b", role="partner", organization=org_b
    )
    token, _ = token_create(actor=admin, user=admin, name="sample")
    samples: dict[type[models.Model], models.Model] = {
        Organization: org_b,
        Person: person,
        Tag: tag,
        User: users["viewer"],
        ApiToken: token,
    }
    samples.update(_lifecycle_samples(admin, users["manager"], org_b))  # fmt: skip
    reviewers = [users[role] for role in ("admin", "executive", "manager", "contributor")]
    samples.update(_screening_samples(users["manager"], org_b, reviewers))
    samples.update(_scouting_samples(users["manager"], org_b, samples[CapabilityGap]))
    secret = _confidential_samples(admin, samples)
    now = timezone.now()  # a live worker, so /healthz answers 200 and the status page has a row
    WorkerHeartbeat.objects.create(
        worker_id="matrix", hostname="matrix", pid=1, started_at=now, beat_at=now
    )
    world = {"users": users, "samples": samples, "org_a": org_a, "org_b": org_b,
             "secret": secret, "secret_evidence": SECRET_EVIDENCE}  # fmt: skip
    for build in matrix_samples.SAMPLES:  # the later apps' samples (tests/matrix_samples)
        samples.update(build(world))
    for build in matrix_samples.CONFIDENTIAL:
        secret.update(build(world))
    return world


def _lifecycle_samples(admin: User, manager: User, org_b: Organization) -> dict:
    """A priority, gap, play and a partnership of organization B with shared items."""
    partnerships.gates_install_defaults()  # a flushing test may have removed them
    template_install_defaults()
    priority = StrategicPriority.objects.create(title="Matrix priority", horizon_year=2030)
    gap = CapabilityGap.objects.create(priority=priority, title="Matrix gap")
    play = PartnershipPlay.objects.create(title="Matrix play", type="rd_alliance")
    play.gaps.add(gap)
    partnership = partnerships.partnership_create(
        actor=admin,
        data={"title": "Matrix partnership", "type": "rd_alliance", "play": play, "owner": manager},
        parties=[(org_b, "partner")],
        gaps=[gap],
    )
    note = partnerships.note_create(
        actor=admin, partnership=partnership, body="Shared matrix note", visibility="shared"
    )
    document = partnerships.document_upload(
        actor=admin, partnership=partnership, title="Matrix plan", visibility="shared",
        upload=SimpleUploadedFile("plan.txt", b"shared plan", content_type="text/plain"),
    )  # fmt: skip
    return {
        StrategicPriority: priority, CapabilityGap: gap, PartnershipPlay: play,
        Partnership: partnership, PartnershipParty: partnership.parties.get(), Note: note,
        Document: document, StageGate: StageGate.objects.order_by("pk").first(),
        NoteComment: partnerships.comment_create(actor=admin, note=note, body="Matrix comment"),
        DueDiligenceItem: due_diligence_start(actor=admin, partnership=partnership)[0],
    }  # fmt: skip


def _screening_samples(manager: User, org_b: Organization, reviewers: list) -> dict:
    """A rubric and a round with one candidate (B) that every assessing role reviews."""
    change = rubrics.rubric_from_template(actor=manager, template="Standard partner screening")
    screening = rounds.screening_create(
        actor=manager, rubric=change.version.rubric, data={"title": "Matrix round"}
    )
    candidate = rounds.candidate_add(actor=manager, screening=screening, organization=org_b)
    assignments = rounds.reviewers_assign(
        actor=manager, candidates=[candidate], reviewers=reviewers
    )
    criteria = list(change.version.criteria.all())
    rounds.scores_save(
        actor=manager,
        assignment=assignments[reviewers.index(manager)],
        scores={c.pk: {"score": 3, "evidence": "Matrix evidence"} for c in criteria},
    )
    return {
        Rubric: change.version.rubric, RubricVersion: change.version, Criterion: criteria[0],
        Screening: screening, ScreeningCandidate: candidate, ReviewAssignment: assignments[0],
        Assessment: Assessment.objects.first(),
        DueDiligenceTemplateItem: DueDiligenceTemplateItem.objects.get_or_create(
            title="Matrix check", defaults={"kind": "other"}
        )[0],
    }  # fmt: skip


def _scouting_samples(manager: User, org_b: Organization, gap: CapabilityGap) -> dict:
    """A scan for the sample gap with organization B as its candidate."""
    scan = scouting.scan_create(actor=manager, data={"text": "Matrix materials", "gap": gap})
    candidate = ScanCandidate.objects.create(
        scan=scan, organization=org_b, rank=1, score=1.0, first_run=1, last_run=1
    )
    return {Scan: scan, ScanCandidate: candidate}


def _confidential_samples(admin: User, samples: dict) -> dict:
    """A confidential partnership linked into every relation that hangs off a partnership.

    One screening candidate links to it directly, another only through the scan candidate that
    was promoted to it; both are scored with unique evidence; it has due diligence items.
    """
    org_c, org_d = (
        directory.organization_create(actor=admin, data={"name": name})
        for name in SECRET_ORGANIZATIONS
    )
    secret = partnerships.partnership_create(
        actor=admin,
        data={"title": SECRET_TITLE, "type": "rd_alliance", "is_confidential": True},
        parties=[(org_c, "partner")],
    )
    scan = samples[Scan]
    promoted = ScanCandidate.objects.create(
        scan=scan, organization=org_d, rank=2, score=0.9, first_run=1, last_run=1,
        status=ScanCandidate.Status.PROMOTED, partnership=secret,
    )  # fmt: skip
    screening = samples[Screening]
    direct = ScreeningCandidate.objects.create(
        screening=screening, organization=org_c, partnership=secret
    )
    via_scan = ScreeningCandidate.objects.create(
        screening=screening, organization=org_d, scan_candidate=promoted
    )
    assignments = rounds.reviewers_assign(
        actor=admin, candidates=[direct, via_scan], reviewers=[admin]
    )
    criteria = list(samples[RubricVersion].criteria.all())
    evidence_by_candidate = (SECRET_EVIDENCE, f"{SECRET_EVIDENCE} (scouted)")
    for assignment, evidence in zip(assignments, evidence_by_candidate, strict=True):
        rounds.scores_save(
            actor=admin,
            assignment=assignment,
            scores={c.pk: {"score": 5, "evidence": evidence} for c in criteria},
            submit=True,
        )
    return {
        Partnership: secret, ScanCandidate: promoted, ScreeningCandidate: direct,
        "candidate via scan": via_scan, ReviewAssignment: assignments[0],
        "assignment via scan": assignments[1],
        Assessment: assignments[0].assessments.first(),
        "assessment via scan": assignments[1].assessments.first(),
        DueDiligenceItem: due_diligence_start(actor=admin, partnership=secret)[0],
    }  # fmt: skip


@pytest.fixture(autouse=True)
def single_sign_on_set_up(settings) -> None:
    """Its pages answer 404 where no provider is set up; this one is never reached."""
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "matrix", "matrix"
    settings.OIDC_ROLE_GROUPS = "viewer: staff"
    for name in ("AUTHORIZATION", "TOKEN", "USER", "JWKS"):
        setattr(settings, f"OIDC_OP_{name}_ENDPOINT", f"http://127.0.0.1:9/{name.lower()}")


# Parameters that name no object but a part of an e-mailed link: any value must be answered.
LINK_PARTS = {"uidb64": "MQ", "token": "no-such-token"}


def _fill(route: str, endpoint: Endpoint, samples: dict, user: User | None) -> str:
    def value(match: re.Match) -> str:
        model = _model_for(endpoint.model_hint or "")
        if model is ApiToken and user is not None:
            # Tokens are their owner's: each role acts on a token of its own.
            return str(token_create(actor=user, user=user, name="own")[0].pk)
        if model in matrix_samples.OWN and user is not None:
            return str(matrix_samples.OWN[model](user).pk)
        return str(samples[model].pk)

    path = re.sub(r"<(?:\w+:)?pk>", value, route)
    path = re.sub(r"<(\w+)>", lambda match: LINK_PARTS.get(match.group(1), match.group(0)), path)
    if "<" in path:
        raise AssertionError(f"{endpoint}: the role-matrix test cannot fill {route}; "
                             "use <int:pk> named after the model")  # fmt: skip
    return "/" + path


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> bytes:
    """What the caller received, downloads included."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _leaks_other_partner(role: str, body: bytes) -> bool:
    text = body.decode(errors="replace")
    if role == "partner_a":
        return ORG_B_NAME in text
    if role == "partner_b":
        return ORG_A_NAME in text
    return False


def _leaks_confidential(role: str, body: bytes) -> bool:
    if role in SECRET_MEMBERS:
        return False
    text = body.decode(errors="replace")
    return SECRET_TITLE in text or SECRET_EVIDENCE in text


@pytest.mark.parametrize("role", ROLES)
def test_what_hangs_off_a_confidential_partnership_is_invisible_outside_it(role: str, world):
    user = world["users"][role]
    for key, row in world["secret"].items():
        model = type(row)
        seen = visible_to(user, model).filter(pk=row.pk).exists()
        expected = role in SECRET_MEMBERS
        assert seen == expected, (
            f"{role} seeing the confidential {getattr(key, '__name__', key)}: {seen}"
        )


SECRET_ORGANIZATIONS = ("Gamma Orchid Matrix", "Delta Orchid Matrix")


@pytest.mark.parametrize("role", sorted(INTERNAL - SECRET_MEMBERS))
def test_a_round_names_no_candidate_of_a_confidential_partnership(role: str, world):
    """Results, charts and lists of a round and a scan leave out the confidential candidates."""
    user = world["users"][role]
    screening, scan = world["samples"][Screening], world["samples"][Scan]
    client = _client(user)
    _, raw = token_create(actor=user, user=user, name="round")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    bodies = [
        client.get(f"/screening/rounds/{screening.pk}/?tab=results").content,
        client.get(f"/screening/rounds/{screening.pk}/").content,
        client.get(f"/scouting/scans/{scan.pk}/").content,
    ] + [
        client.get(f"/api/v1/{path}", **auth).content
        for path in (
            f"screenings/{screening.pk}/screening-candidates",
            f"screenings/{screening.pk}/assessments",
            f"screenings/{screening.pk}/ranking",
            f"scans/{scan.pk}/candidates",
        )
    ]
    for number, body in enumerate(bodies):
        # A manager's "add a candidate" list offers the whole directory, which it may read.
        text = re.sub(r'<datalist id="organizations">.*?</datalist>', "", body.decode(), flags=re.S)
        named = [name for name in SECRET_ORGANIZATIONS if name in text]
        assert not named, f"response {number} names {named}"
        assert not _leaks_confidential(role, body), f"response {number} shows the partnership"


def test_every_view_declares_its_action():
    undeclared = [str(e) for e in url_endpoints() if e.action is None]
    assert undeclared == [], f"views without @access(...): {undeclared}"
    unknown = [f"{e}: {e.action}" for e in url_endpoints() if e.action not in DESIGN]
    assert unknown == [], f"actions the design table does not know: {unknown}"


def test_every_api_operation_declares_its_action():
    undeclared = [f"{m} {p}" for m, p, action in api_operations() if action is None]
    assert undeclared == [], f"API operations without x-accord-action: {undeclared}"
    unknown = [f"{m} {p}: {a}" for m, p, a in api_operations() if a not in DESIGN]
    assert unknown == [], f"actions the design table does not know: {unknown}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", url_endpoints(), ids=str)
def test_page_access_matches_the_design(endpoint: Endpoint, role: str, world):
    user = world["users"][role]
    path = _fill(endpoint.route, endpoint, world["samples"], user)
    allowed = role in _design_roles(endpoint.action or "public", has_object="<" in endpoint.route)
    client = _client(user)

    response = client.get(path)
    _check(response, path, "GET", role, allowed, endpoint)

    path = _fill(endpoint.route, endpoint, world["samples"], user)
    events_before = AuditEvent.objects.count()
    response = _client(user).post(path, {})
    _check(response, path, "POST", role, allowed, endpoint)
    if not allowed:
        assert AuditEvent.objects.count() == events_before, f"{role} changed data via POST {path}"


def _design_roles(action: str, *, has_object: bool) -> set[str]:
    if action == "workspace.view" and has_object:
        return WORKSPACE_OBJECT
    return DESIGN.get(action, set())


def _refusals(role: str, *, has_object: bool) -> set[int]:
    """A partner user is told an internal object does not exist, even one of its partnership."""
    return {404} if has_object and role.startswith("partner") else {403, 404}


def _check(response, path: str, method: str, role: str, allowed: bool, endpoint) -> None:
    status = response.status_code
    where = f"{method} {path} as {role} ({endpoint.action})"
    assert status < 500, f"{where} answered {status}"
    redirect = response.get("Location", "") if status in (301, 302) else ""
    sent_to_login = "/accounts/login/" in redirect and endpoint.action != "public"
    if allowed:
        assert status not in (401, 403, 404) and not sent_to_login, f"{where} refused: {status}"
    elif status != 405:
        if role == "anonymous":
            assert sent_to_login, f"{where} should send to sign-in, got {status}"
        else:
            assert status in _refusals(role, has_object="<" in endpoint.route), (
                f"{where} should be refused, got {status}"
            )
    body = _body(response)
    assert not _leaks_other_partner(role, body), f"{where} shows another partner"
    assert not _leaks_confidential(role, body), f"{where} shows a confidential partnership"


def _api_path(path: str, samples: dict, user: User | None) -> str:
    def value(match: re.Match) -> str:
        segment = path[: match.start()].rstrip("/").split("/")[-1]
        model = _model_for_segment(segment)
        if model in matrix_samples.OWN and user is not None:
            return str(matrix_samples.OWN[model](user).pk)
        return str(samples[model].pk)

    return re.sub(r"\{\w+\}", value, path)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "operation", [op for op in api_operations() if op[1] not in API_DOCS], ids=" ".join
)
def test_api_access_matches_the_design(operation, role: str, world):
    method, template, action = operation
    user = world["users"][role]
    path = _api_path(template, world["samples"], user)
    headers = {}
    if user is not None:
        _, raw = token_create(actor=user, user=user, name="matrix")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    allowed = role in _design_roles(action or "", has_object="{" in template)
    events_before = AuditEvent.objects.count()
    response = Client().generic(method, path, "{}", content_type="application/json", **headers)
    where = f"{method} {path} as {role} ({action})"
    status = response.status_code
    assert status < 500, f"{where} answered {status}"
    if allowed:
        assert status not in (401, 403, 404), f"{where} refused: {status}"
    else:
        expected = {401} if role == "anonymous" else _refusals(role, has_object="{" in template)
        assert status in expected, f"{where} should be refused with {expected}, got {status}"
        assert response.json()["error"]["code"], f"{where} error is not in the one error format"
        changed = AuditEvent.objects.count() - events_before
        assert changed == 0, f"{role} changed data via {method} {path}"
    body = _body(response)
    assert not _leaks_other_partner(role, body), f"{where} shows another partner"
    assert not _leaks_confidential(role, body), f"{where} shows a confidential partnership"


def test_the_matrix_walks_the_known_pages():
    """Guards the walker itself: if enumeration broke, the parametrized tests would be empty."""
    names = {e.name for e in url_endpoints()}
    assert {"dashboard:home", "directory:organization_list", "directory:organization_detail",
            "accounts:login", "core:audit_log"} <= names  # fmt: skip
