from django import forms

from accord.accounts.models import User
from accord.core import policy
from accord.screening.models import DueDiligenceItem


class DueDiligenceItemForm(forms.ModelForm):
    class Meta:
        model = DueDiligenceItem
        fields = ["title", "kind", "owner", "status", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, role__in=policy.INTERNAL_ROLES
        ).order_by("username")
        self.fields["owner"].required = False
        self.fields["evidence"].required = False
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if name in ("kind", "owner", "status")
                else ("form-control form-control-sm")
            )
            field.widget.attrs.setdefault("class", css)
