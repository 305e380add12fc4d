"""Every form draws its fields with Bootstrap's classes through one mixin."""

from __future__ import annotations

import re
from pathlib import Path

from django import forms

from accord.core.forms import BootstrapFormMixin
from accord.directory.forms import OrganizationForm

ACCORD = Path(__file__).resolve().parent.parent / "accord"


class Sample(BootstrapFormMixin, forms.Form):
    bootstrap_size = "sm"

    name = forms.CharField()
    kind = forms.ChoiceField(choices=[("a", "a")])
    agreed = forms.BooleanField(required=False)
    parts = forms.MultipleChoiceField(choices=[("a", "a")], widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control-plaintext"}))
    version = forms.IntegerField(widget=forms.HiddenInput)


def classes(form: forms.BaseForm) -> dict[str, str | None]:
    return {name: form[name].field.widget.attrs.get("class") for name in form.fields}


def test_each_kind_of_field_gets_its_bootstrap_class_and_a_form_s_own_is_kept():
    assert classes(Sample()) == {
        "name": "form-control form-control-sm",
        "kind": "form-select form-select-sm",
        "agreed": "form-check-input",
        "parts": None,
        "note": "form-control-plaintext",
        "version": None,
    }


def test_a_field_a_form_adds_in_its_init_is_styled_too(db):
    html = str(OrganizationForm()["website"])
    assert 'class="form-control"' in html


def test_no_form_sets_bootstrap_classes_itself():
    setting = re.compile(r"[\"']form-(control|select|check-input)\b")
    found = [
        str(path.relative_to(ACCORD))
        for path in ACCORD.rglob("*.py")
        if path.name != "forms.py" or path.parent.name != "core"
        if setting.search(path.read_text())
    ]
    assert found == []
