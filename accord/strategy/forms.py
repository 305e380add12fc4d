from django import forms

from accord.core.forms import BootstrapFormMixin, add_version_field, field_of
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority


class PriorityForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = StrategicPriority
        fields = ["title", "description", "horizon_year", "owner", "weight", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)
        field_of(self, "owner", forms.ModelChoiceField).queryset = owners


class GapForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CapabilityGap
        fields = ["priority", "title", "kind", "importance", "description", "target_date", "status"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "importance": forms.Select(choices=[(i, f"{i} of 5") for i in range(1, 6)]),
        }

    def __init__(self, *args, priorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)
        field_of(self, "priority", forms.ModelChoiceField).queryset = priorities


class GapChoiceField(forms.ModelMultipleChoiceField):
    """Gaps named with their priority, as two priorities may have gaps of the same title."""

    def label_from_instance(self, obj: CapabilityGap) -> str:
        return f"{obj.priority}: {obj}"


class PlayForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PartnershipPlay
        fields = ["title", "type", "gaps", "objective", "budget", "owner", "status"]
        widgets = {"objective": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"gaps": "The capability gaps this play addresses."}
        field_classes = {"gaps": GapChoiceField}

    def __init__(self, *args, gaps=None, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_version_field(self, self.instance)
        field_of(self, "gaps", forms.ModelChoiceField).queryset = gaps
        self.fields["gaps"].widget.attrs["size"] = 8
        field_of(self, "owner", forms.ModelChoiceField).queryset = owners


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
