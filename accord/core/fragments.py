"""Page fragments in Jinja2: the loops of the busiest pages, or a page's whole body.

A fragment lives in its app's `jinja2/` folder and sees only the values it is given. Jinja2
compiles a template to Python, so a row costs microseconds where Django's template engine
resolves each variable and filter node by node (benchmarks/pages.py). Pages still extend
Django's `base.html`; a template puts a fragment in with `{% fragment %}`
(core/templatetags/fragments.py), a view that draws its whole body in Jinja2 passes
`render_fragment(...)` as `body`.
"""

from typing import Any

from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def render_fragment(name: str, **values: Any) -> SafeString:
    found: Any = engines["jinja2"].get_template(name)
    html: str = found.template.render(**values)  # the Jinja2 template, without a request
    return mark_safe(html)  # noqa: S308 (accord/jinja.py turns autoescape on)
