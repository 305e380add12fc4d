"""The base of every list's filters: django-filter's FilterSet, with its form class built once.

django-filter builds a new form class for every filter set it makes, from fresh copies of every
filter's field. Accord's filters' fields depend on their class alone (no request, no per-use
choices), so the class built the first time serves every later request; each form still gets
its own copies of the fields, as any Django form does.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms


class FilterSet(django_filters.FilterSet):
    _form_classes: ClassVar[dict[type, type[forms.Form]]] = {}

    def get_form_class(self) -> Any:
        cls = type(self)
        built = FilterSet._form_classes.get(cls)
        if built is None:  # two first requests at once build two equal classes: harmless
            built = FilterSet._form_classes[cls] = super().get_form_class()
        return built
