from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.datastructures import MultiValueDict

from accord.core.errors import EditConflict


class BootstrapFormMixin:
    """Bootstrap's classes on each field's widget; `bootstrap_size = "sm"` for the small ones.

    Set when a field is first shown, so that fields a form adds in its `__init__` get them too.
    A class the form gives a widget itself is kept."""

    bootstrap_size = ""

    def __getitem__(self, name: str) -> BoundField:
        bound: BoundField = super().__getitem__(name)  # type: ignore[misc]
        widget = bound.field.widget
        css = bootstrap_class(widget)
        if css:
            if self.bootstrap_size and css != "form-check-input":
                css = f"{css} {css}-{self.bootstrap_size}"
            widget.attrs.setdefault("class", css)
        return bound


FieldT = TypeVar("FieldT", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """`form.fields[name]` as the kind of field the form declares, to set its choices."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is not a {kind.__name__}")
    return field


def bootstrap_class(widget: forms.Widget) -> str:
    """The Bootstrap class of a widget; none for those drawn as a list of boxes, or hidden."""
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect | forms.HiddenInput):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):  # and SelectMultiple
        return "form-select"
    return "form-control"


def add_validation_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def add_version_field(form: forms.BaseForm, instance: object | None) -> None:
    """A hidden `version`: the one the edited object had when the form was loaded."""
    form.fields["version"] = forms.IntegerField(
        required=False, min_value=0, widget=forms.HiddenInput
    )
    if instance is not None and getattr(instance, "pk", None) is not None:
        form.initial.setdefault("version", instance.version)  # type: ignore[attr-defined]


def show_conflict(form: forms.BaseForm, conflict: EditConflict) -> None:
    """Keep what the user typed, show theirs beside it, and carry the stored version, so that
    saving again overwrites on purpose."""
    data = form.data.copy() if isinstance(form.data, MultiValueDict) else dict(form.data)
    data[form.add_prefix("version")] = str(conflict.version)
    form.data = data
    form.conflict = conflict  # type: ignore[attr-defined]
    form.add_error(None, str(conflict))
