"""`{% fragment "app/name.html" key=value ... %}`: the loops of the busiest pages in Jinja2.

A fragment lives in its app's `jinja2/` folder and sees only the values it is given. Jinja2
compiles a template to Python, so a row costs microseconds where Django's template engine
resolves each variable and filter node by node (benchmarks/pages.py).
"""

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def fragment(name: str, **values: Any) -> SafeString:
    found: Any = engines["jinja2"].get_template(name)
    html: str = found.template.render(**values)  # the Jinja2 template, without a request
    return mark_safe(html)  # noqa: S308 (accord/jinja.py turns autoescape on)
