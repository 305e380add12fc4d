from typing import Any

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from accord.core import policy
from accord.partnerships.gates import allowed_targets
from accord.partnerships.models import Stage
from accord.partnerships.tables import STAGE_LABELS, stage_badge_html

register = template.Library()

# The <option>s of the move menu from each stage: pure rules, built once per process, as the
# board shows the same menu on every card of a column.
MOVE_OPTIONS: dict[str, SafeString] = {
    stage: format_html_join(
        "",
        '<option value="{}">{}</option>',
        ((to, STAGE_LABELS[to]) for to in allowed_targets(stage)),
    )
    for stage in Stage.values
}


MOVE_TARGETS = {stage: " ".join(allowed_targets(stage)) for stage in Stage.values}


def move_targets(stage: str) -> str:
    """Where a partnership at `stage` may go, space-separated: the board's drop zones."""
    return MOVE_TARGETS.get(stage, "")


@register.simple_tag
def stage_badge(stage: str) -> str:
    return stage_badge_html(stage)


@register.filter
def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage)


@register.filter
def move_options(stage: str) -> SafeString:
    return MOVE_OPTIONS.get(stage, SafeString())


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, [])


@register.filter
def as_seen_by(person: Any, viewer: Any) -> str:
    return policy.person_name_for(viewer, person) or "—"
