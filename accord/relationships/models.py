"""Who knows whom: interactions between our people and theirs (meetings, calls, e-mails,
events, site visits, dinners) and connections between two people, stated, imported or derived
from attending the same interactions. Introduction paths and relationship strength are read
from both (see `strength` and `paths`)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from accord.core.versions import Versioned
from accord.directory.models import Organization, Person
from accord.partnerships.models import Partnership, Stage
from accord.strategy.models import PartnershipType


class Interaction(Versioned):
    class Kind(models.TextChoices):
        MEETING = "meeting", "meeting"
        CALL = "call", "call"
        EMAIL = "email", "e-mail"
        EVENT = "event", "event"
        SITE_VISIT = "site_visit", "site visit"
        DINNER = "dinner", "dinner"

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", "positive"
        NEUTRAL = "neutral", "neutral"
        NEGATIVE = "negative", "negative"

    class Initiator(models.TextChoices):
        OURS = "ours", "we reached out"
        THEIRS = "theirs", "they reached out"

    class Source(models.TextChoices):
        WEB = "web", "web"
        API = "api", "API"
        CSV = "csv", "CSV import"
        ICS = "ics", "calendar import"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=200)
    occurred_at = models.DateTimeField(db_index=True)
    summary = models.TextField(blank=True)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices, blank=True)
    follow_ups = models.TextField(blank=True)
    initiated_by = models.CharField(max_length=6, choices=Initiator.choices, blank=True)
    is_executive = models.BooleanField(
        default=False, help_text="An executive of ours took part: it counts for the cadence."
    )
    is_private = models.BooleanField(
        default=False, help_text="Only its attendees and administrators see it."
    )
    organizations = models.ManyToManyField(Organization, blank=True, related_name="interactions")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    source = models.CharField(max_length=4, choices=Source.choices, default=Source.WEB)
    external_uid = models.CharField(
        max_length=300, blank=True, db_index=True,
        help_text="The calendar event's UID (and recurrence): importing it again updates it.",
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["partnership", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title} ({self.occurred_at:%Y-%m-%d})"


class Attendee(models.Model):
    """A person who took part, on our side (our employees, board members, investors and
    advisors) or theirs, as the directory said when it was recorded."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attendances")
    is_ours = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "person"], name="attendee_once"),
        ]
        indexes = [models.Index(fields=["person", "interaction"])]

    def __str__(self) -> str:
        return f"{self.person} at {self.interaction}"


class Connection(models.Model):
    """Two people who know each other, kept once with the lower id first."""

    class Source(models.TextChoices):
        MANUAL = "manual", "entered"
        CSV = "csv", "connections export"
        VCARD = "vcard", "vCard"
        INTERACTIONS = "interactions", "met in interactions"

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    strength = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text="How well they know each other, 0-100, as stated; empty: read from the "
        "interactions.",
    )  # fmt: skip
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    score = models.PositiveSmallIntegerField(
        default=0, help_text="The strength read from all that is known, kept for path search."
    )
    last_contact = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="connection_once"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="connection_ordered",
                violation_error_message="A person is not connected to themselves.",
            ),
            models.CheckConstraint(
                condition=models.Q(strength__isnull=True) | models.Q(strength__lte=100),
                name="connection_strength_range",
                violation_error_message="Strength is between 0 and 100.",
            ),
        ]
        indexes = [
            models.Index(fields=["person_b", "person_a"]),
            models.Index(fields=["updated_at"]),  # whether the graph in memory is current
        ]

    def __str__(self) -> str:
        return f"{self.person_a} and {self.person_b}"


class CadenceRule(Versioned):
    """Partnerships of a type at a stage need an executive-level touchpoint every so often."""

    name = models.CharField(max_length=120, unique=True)
    partnership_type = models.CharField(
        max_length=30, blank=True, choices=PartnershipType.choices, help_text="Empty: any type."
    )
    stage = models.CharField(
        max_length=20, blank=True, choices=Stage.choices, help_text="Empty: any open stage."
    )
    every_days = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
