from collections.abc import Container, Iterable

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify

from accord.core.versions import Versioned
from accord.directory.normalize import normalize_domain, normalize_name

SLUG_LENGTH = 80
TAG_NAMES_LENGTH = 1000


def tag_slug(name: str, taken: Container[str] = ()) -> str:
    """The slug of a tag's name, at most SLUG_LENGTH characters; one of `taken` gets a counter
    ("-2", "-3", ...) in place of its last characters."""
    base = slugify(name)[:SLUG_LENGTH] or "tag"
    slug, counter = base, 2
    while slug in taken:
        suffix = f"-{counter}"
        slug, counter = base[: SLUG_LENGTH - len(suffix)] + suffix, counter + 1
    return slug


class Tag(Versioned):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=SLUG_LENGTH, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = tag_slug(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("directory:tag_detail", args=[self.pk])


class Organization(Versioned):
    class Kind(models.TextChoices):
        STARTUP = "startup", "startup"
        SCALEUP = "scaleup", "scale-up"
        CORPORATE = "corporate", "corporate"
        UNIVERSITY = "university", "university"
        RESEARCH = "research", "research institute"
        GOVERNMENT = "government", "government body"
        INVESTOR = "investor", "investor"
        ASSOCIATION = "association", "association"
        SUPPLIER = "supplier", "supplier"
        CUSTOMER = "customer", "customer"

    class Stage(models.TextChoices):
        IDEA = "idea", "idea"
        SEED = "seed", "seed"
        EARLY = "early", "early (series A-B)"
        GROWTH = "growth", "growth (series C+)"
        MATURE = "mature", "mature"
        PUBLIC = "public", "public"
        ACQUIRED = "acquired", "acquired"
        CLOSED = "closed", "closed / inactive"

    class SizeBand(models.TextChoices):
        MICRO = "1-10", "1-10"
        SMALL = "11-50", "11-50"
        MEDIUM = "51-200", "51-200"
        LARGE = "201-1000", "201-1,000"
        XLARGE = "1001-5000", "1,001-5,000"
        ENTERPRISE = "5001+", "5,001+"

    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STARTUP)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    city = models.CharField(max_length=120, blank=True)
    website = models.URLField(max_length=300, blank=True)
    domain = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    founded_year = models.PositiveSmallIntegerField(null=True, blank=True)
    size_band = models.CharField(max_length=10, choices=SizeBand.choices, blank=True)
    stage = models.CharField(max_length=10, choices=Stage.choices, blank=True)
    one_liner = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="organizations")
    # Tag names copied here so full-text search needs no join; kept in step by the services.
    tag_names = models.CharField(max_length=TAG_NAMES_LENGTH, blank=True, editable=False)
    is_self = models.BooleanField(default=False, help_text="Our own company.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_self"],
                condition=Q(is_self=True),
                name="only_one_self_organization",
                violation_error_message="Only one organization can be our own company.",
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=1000, founded_year__lte=2100),
                name="organization_founded_year_plausible",
                violation_error_message="The founded year must be between 1000 and 2100.",
            ),
        ]
        indexes = [
            # The list's default order; without it every page sorts all rows.
            models.Index(fields=["name", "id"], name="directory_org_name_id_idx"),
            models.Index(fields=["country", "name"]),
            models.Index(fields=["kind", "name"]),
            models.Index(fields=["stage", "name"]),
            models.Index(fields=["founded_year", "name"]),
            models.Index(fields=["-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organization_detail", args=[self.pk])

    def derive_fields(self, tag_names: Iterable[str] | None = None) -> None:
        """Fill the fields derived from the others: the name and domain that duplicates are
        found by and, given the names of its tags, the copy of them that search reads."""
        self.normalized_name = normalize_name(self.name)
        self.domain = normalize_domain(self.website)
        if tag_names is not None:
            self.tag_names = joined_tag_names(tag_names)


def joined_tag_names(names: Iterable[str]) -> str:
    """The copy of an organization's tag names that search reads."""
    return " ".join(sorted(names))[:TAG_NAMES_LENGTH]


class Person(Versioned):
    class Relation(models.TextChoices):
        EMPLOYEE = "employee", "employee"
        BOARD = "board", "board member"
        INVESTOR = "investor", "investor"
        ADVISOR = "advisor", "advisor"
        CONTACT = "contact", "contact"

    full_name = models.CharField(max_length=200)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=50, blank=True)
    is_internal = models.BooleanField(default=False, help_text="Works for our own company.")
    relation = models.CharField(max_length=10, choices=Relation.choices, default=Relation.CONTACT)
    linkedin_url = models.URLField(max_length=300, blank=True)
    country = models.CharField(max_length=2, blank=True)
    city = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name_plural = "people"
        indexes = [
            models.Index(fields=["organization", "full_name"]),
            # Our own people (who may introduce us), read by every introduction-path search.
            models.Index(
                fields=["id"], name="person_ours",
                condition=models.Q(is_internal=True)
                | models.Q(relation__in=["employee", "board", "investor", "advisor"]),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("directory:person_detail", args=[self.pk])


class ExternalId(models.Model):
    """An identifier given to an organization or person by another system (ror, yc, cik...)."""

    source = models.CharField(max_length=40)
    value = models.CharField(max_length=200)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="external_ids"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="external_ids"
    )

    class Meta:
        ordering = ["source", "value"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=True) ^ Q(person__isnull=True),
                name="external_id_names_one_owner",
                violation_error_message="An external id belongs to one organization or person.",
            ),
            models.UniqueConstraint(
                fields=["source", "value"],
                condition=Q(organization__isnull=False),
                name="unique_organization_external_id",
                violation_error_message="This external id already names another organization.",
            ),
            models.UniqueConstraint(
                fields=["source", "value"],
                condition=Q(person__isnull=False),
                name="unique_person_external_id",
                violation_error_message="This external id already names another person.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.value}"
