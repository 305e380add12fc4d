from django import template
from django.utils.html import format_html

from accord.partnerships.models import Stage
from accord.partnerships.tables import STAGE_BADGE

register = template.Library()


@register.simple_tag
def stage_badge(stage: str) -> str:
    label = Stage(stage).label if stage in Stage.values else stage
    return format_html(
        '<span class="badge {}" data-stage="{}">{}</span>',
        STAGE_BADGE.get(stage, "text-bg-light"),
        stage,
        label,
    )


@register.filter
def stage_label(stage: str) -> str:
    return Stage(stage).label if stage in Stage.values else stage


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key, [])
