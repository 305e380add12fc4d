"""Each rule lives in one place: the source is read so a shortcut around it fails by name.

Who may do what is decided in `accord/core/policy.py` only; views, API handlers and commands
read and write through selectors and services, which apply that policy.
"""

from __future__ import annotations

import re
from pathlib import Path

ACCORD = Path(__file__).resolve().parents[1] / "accord"
POLICY = ACCORD / "core" / "policy.py"

_USER_ROLES = r"(ADMIN|EXECUTIVE|MANAGER|CONTRIBUTOR|VIEWER|PARTNER|INTERNAL_ROLES|ROLES)\b"
ROLE_DECISION = re.compile(
    r"\brole_of\("  # the raw role of a user
    r"|(?<!party)\.role\s*(==|!=)"  # user.role == ...
    r"|(?<!for )\brole\w*\s+(not\s+)?in\s+(\(|\[|policy\.)"  # role in (...), not a loop
    rf"|(==|!=)\s*policy\.{_USER_ROLES}"
    rf"|policy\.{_USER_ROLES}\s*(==|!=)"
    r"|\b(filter|exclude|get|Q)\(.*\brole(__in)?\s*="  # a query on roles
)
# file (relative to accord/) and line text -> why it may compare roles itself
ROLE_ALLOWED = {
    ("core/context_processors.py", '"role": policy.role_of(user),'): "shows the role's name",
    (
        "accounts/models.py",
        "condition=~Q(role=policy.PARTNER) | Q(organization__isnull=False),",
    ): "a database constraint is a literal expression, kept in its migration",
}


def _python_files() -> list[Path]:
    return sorted(p for p in ACCORD.rglob("*.py") if "migrations" not in p.parts)


def _offending(paths: list[Path], pattern: re.Pattern, allowed: dict) -> list[str]:
    found = []
    for path in paths:
        relative = path.relative_to(ACCORD).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if pattern.search(line) and (relative, line.strip()) not in allowed:
                found.append(f"accord/{relative}:{number}: {line.strip()}")
    return found


def test_no_role_is_compared_outside_the_policy():
    paths = [p for p in _python_files() if p != POLICY]
    assert _offending(paths, ROLE_DECISION, ROLE_ALLOWED) == []


def test_the_role_check_finds_a_comparison_where_there_is_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "if actor.role == policy.MANAGER: pass\n"
        "ok = role in (policy.ADMIN, policy.EXECUTIVE)\n"
        "rows = User.objects.filter(role__in=policy.INTERNAL_ROLES)\n"
        "rows = User.objects.filter(is_active=True, role__in=roles)\n"
        "same = party.role != role\n"
    )
    found = [line for line in sample.read_text().splitlines() if ROLE_DECISION.search(line)]
    assert len(found) == 4


# Not an entry point, though its name ends in _views: the services and selectors of saved views.
NOT_ENTRY_POINTS = {ACCORD / "core" / "saved_views.py"}
ENTRY_POINTS = sorted(
    {
        *ACCORD.glob("*/views.py"),
        *ACCORD.glob("*/*_views.py"),
        *ACCORD.glob("*/api.py"),
        *ACCORD.glob("*/cli.py"),
        ACCORD / "api.py",
        ACCORD / "cli.py",
        ACCORD / "scouting_cli.py",
        ACCORD / "finance_cli.py",
        ACCORD / "ventures_cli.py",
    }
    - NOT_ENTRY_POINTS
)
MANAGER_READ = re.compile(r"\b[A-Z]\w*\.(objects|_default_manager|_base_manager)\b|\bhistory_of\(")
# file (relative to accord/) and line text -> why an entry point may use a manager itself
MANAGER_ALLOWED = {
    (
        "cli.py",
        "user = User.objects.filter(username=username, is_active=True).first()",
    ): "the user a command acts as: there is no actor yet to ask the policy for",
}


def test_views_api_handlers_and_commands_read_through_selectors_and_services():
    assert _offending(ENTRY_POINTS, MANAGER_READ, MANAGER_ALLOWED) == []
