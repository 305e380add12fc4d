from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from accord.accounts.models import EmailInvitation
from accord.core.versions import Versioned
from accord.strategy.models import CapabilityGap, PartnershipPlay, PartnershipType


class Stage(models.TextChoices):
    """The pipeline, in order; declined and exited are the two ways out."""

    CANDIDATE = "candidate", "candidate"
    SCREENING = "screening", "screening"
    ENGAGING = "engaging", "engaging"
    NEGOTIATING = "negotiating", "negotiating"
    PILOTING = "piloting", "piloting"
    ACTIVE = "active", "active"
    RENEWAL_REVIEW = "renewal_review", "renewal review"
    DECLINED = "declined", "declined"
    EXITED = "exited", "exited"


PIPELINE = [s.value for s in Stage if s not in (Stage.DECLINED, Stage.EXITED)]
# How likely a partnership at each stage is to be won: what weights its deal value in the
# pipeline's expected value (the board, the list).
WIN_LIKELIHOOD = {
    Stage.CANDIDATE.value: 0.05, Stage.SCREENING.value: 0.1, Stage.ENGAGING.value: 0.2,
    Stage.NEGOTIATING.value: 0.4, Stage.PILOTING.value: 0.6, Stage.ACTIVE.value: 1.0,
    Stage.RENEWAL_REVIEW.value: 0.8,
}  # fmt: skip
EXITS = [Stage.DECLINED.value, Stage.EXITED.value]


class Visibility(models.TextChoices):
    INTERNAL = "internal", "internal"
    SHARED = "shared", "shared with the partner"


class Partnership(Versioned):
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=PartnershipType.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.CANDIDATE)
    # Bumped by every change of stage so a second, concurrent move is refused, not lost; edits
    # have their own `version` and never write the stage.
    stage_version = models.PositiveIntegerField(default=0)
    organizations = models.ManyToManyField(
        "directory.Organization", through="PartnershipParty", related_name="partnerships"
    )
    play = models.ForeignKey(
        PartnershipPlay,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnerships",
    )
    gaps = models.ManyToManyField(CapabilityGap, blank=True, related_name="partnerships")
    tags = models.ManyToManyField("directory.Tag", blank=True, related_name="partnerships")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_partnerships",
    )
    executive_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_partnerships",
    )
    value_for_us = models.TextField("value for us", blank=True)
    value_for_partner = models.TextField("value for the partner", blank=True)
    signed_on = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    renewal_notice_days = models.PositiveIntegerField(
        "renewal notice (days)", null=True, blank=True
    )
    ip_terms = models.TextField("IP terms", blank=True)
    exclusivity = models.CharField(max_length=300, blank=True)
    nda_signed_on = models.DateField("NDA signed on", null=True, blank=True)
    nda_expires_on = models.DateField("NDA expires on", null=True, blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    committed_fte = models.DecimalField(
        "committed people (FTE)", max_digits=6, decimal_places=1, null=True, blank=True
    )
    next_review_date = models.DateField(null=True, blank=True)
    deal_value = models.DecimalField(
        "deal value", max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text="What it is worth to us if it is won, in the reporting currency.",
    )  # fmt: skip
    expected_close = models.DateField("expected close", null=True, blank=True)
    is_confidential = models.BooleanField(
        "confidential",
        default=False,
        help_text="Only the named team (and administrators) can see it.",
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="partnership_teams",
        help_text="People assigned to it: they may edit it; if confidential, only they see it.",
    )
    # Joint ventures and consortia.
    equity_split = models.CharField(max_length=300, blank=True)
    fees = models.CharField(max_length=300, blank=True)
    working_groups = models.TextField(blank=True)
    voting_rules = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="partnership_ends_after_it_starts",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "title"]),
            models.Index(fields=["next_review_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership_detail", args=[self.pk])


class PartnershipParty(models.Model):
    class Role(models.TextChoices):
        PARTNER = "partner", "partner"
        LEAD = "lead", "lead partner"
        CONSORTIUM_MEMBER = "consortium_member", "consortium member"
        INVESTEE = "investee", "portfolio company"
        CUSTOMER = "customer", "customer"
        SUPPLIER = "supplier", "supplier"
        ACADEMIC = "academic", "academic partner"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="parties")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="partnership_parties"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PARTNER)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organization"],
                name="one_party_row_per_organization",
                violation_error_message="This organization is already a party.",
            )
        ]
        verbose_name_plural = "partnership parties"

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class SharedItem(models.Model):
    """What hangs off a partnership and may be shared with chosen parties: a partner user reads
    only what is shared with its own organization, so partners of one partnership never learn
    of each other."""

    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    shared_with = models.ManyToManyField(
        PartnershipParty, blank=True, related_name="shared_%(class)ss"
    )

    class Meta:
        abstract = True


class StageGate(Versioned):
    """What a partnership needs before it may enter `stage`."""

    stage = models.CharField(max_length=20, choices=Stage.choices, unique=True)
    required_fields = models.JSONField(default=list, blank=True)
    checklist = models.JSONField(default=list, blank=True)
    approver_role = models.CharField(
        max_length=20, blank=True, help_text="A role whose member must make the move, if any."
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"gate into {self.get_stage_display()}"


class StageTransition(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150)
    at = models.DateTimeField(db_index=True)
    reason = models.TextField()
    checklist = models.JSONField(default=list, blank=True, help_text="Items confirmed.")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.from_stage} → {self.to_stage}"


class Note(SharedItem):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="notes_set")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:60]


class NoteComment(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


class Document(SharedItem):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="documents")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="partnerships/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Invitation(EmailInvitation):
    """An e-mail link through which someone of a party joins as its partner user."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+"
    )

    class Meta(EmailInvitation.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.email} to {self.partnership}"
