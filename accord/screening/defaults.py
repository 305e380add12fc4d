"""What a new install starts from: rubric templates built on the seeds' screening criteria and
the due-diligence checklist. Plain data, read by the data migration and by the services."""

from __future__ import annotations

from typing import Any

LEVELS_BENEFIT = ["very weak", "weak", "adequate", "strong", "outstanding"]

RUBRIC_TEMPLATES: dict[str, dict[str, Any]] = {
    "Standard partner screening": {
        "description": "The standard rubric: strategic fit, cultural fit, IP compatibility, "
        "financial health and track record.",
        "criteria": [
            ("Strategic fit", 0.30, "benefit", 3, "How directly it fills the gap and serves "
             "the priority."),
            ("Cultural fit", 0.15, "benefit", None, "Ways of working, decision speed, values."),
            ("IP compatibility", 0.20, "benefit", 2, "Ownership and licensing of background "
             "and foreground IP work for both sides."),
            ("Financial health", 0.20, "benefit", 2, "Runway, revenue, funding, solvency."),
            ("Track record", 0.15, "benefit", None, "Delivered partnerships, references."),
        ],
    },
    "Technology partner screening": {
        "description": "For technology and co-development partners: complementary IP, "
        "regulatory access, brand affinity, scalability potential and integration cost.",
        "criteria": [
            ("Complementary IP", 0.30, "benefit", 3, "IP that we lack and that fits ours."),
            ("Regulatory access", 0.20, "benefit", None, "Certifications, approvals, standing "
             "with regulators."),
            ("Brand affinity", 0.10, "benefit", None, "How the two brands sit together."),
            ("Scalability potential", 0.25, "benefit", None, "From pilot to production volume."),
            ("Integration cost", 0.15, "cost", None, "Effort to integrate (higher is worse)."),
        ],
    },
}  # fmt: skip

DUE_DILIGENCE_ITEMS: list[tuple[str, str]] = [
    ("financial", "Financial health: accounts, runway and funding checked"),
    ("ethics", "Ethics and compliance: sanctions, anti-bribery, ESG screening"),
    ("ip", "IP ownership: background IP and freedom to operate confirmed"),
    ("security", "Security: information-security questionnaire reviewed"),
    ("references", "References: two customer references called"),
]
