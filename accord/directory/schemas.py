"""The directory API's typed input and output (ninja Schemas, published in the OpenAPI spec)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, field_validator

from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.directory.models import Organization, Person
from accord.directory.normalize import country_code

OrganizationOrdering = Literal[
    "name", "-name", "founded_year", "-founded_year", "updated_at", "-updated_at", "country"
]
PersonOrdering = Literal["name", "-name", "updated_at", "-updated_at"]


def _country(value: str | None) -> str | None:
    if value is None:
        return None
    code = country_code(value)
    if code is None:
        raise ValueError(f"Unknown country {value!r}; give an ISO 3166 code or a country name.")
    return code


def tag_names(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    names = [name.strip() for name in value]
    if any(not name or len(name) > 80 for name in names):
        raise ValueError("Each tag name needs 1 to 80 characters.")
    return names


# Output. An organization and what it holds are read from the model's attributes by pydantic
# itself: ninja's Schema would pass each of the fifty rows' twenty fields through its getter.


class Attributes(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TagRef(Attributes):
    id: int
    name: str
    slug: str


class ExternalIdOut(Attributes):
    source: str
    value: str


class OrganizationRef(Schema):
    id: int
    name: str


class OrganizationOut(Attributes):
    id: int
    name: str
    kind: str
    country: str
    city: str
    website: str
    domain: str
    founded_year: int | None
    size_band: str
    stage: str
    one_liner: str
    description: str
    # The lists prefetched for the reader (selectors.organization_list, api._with_external_ids)
    tags: list[TagRef] = Field(validation_alias="visible_tags")
    external_ids: list[ExternalIdOut] = Field(validation_alias="visible_external_ids")
    is_self: bool
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime
    updated_at: dt.datetime


class PersonOut(Schema):
    id: int
    full_name: str
    organization: OrganizationRef | None
    title: str
    email: str
    phone: str
    is_internal: bool
    relation: str
    linkedin_url: str
    country: str
    city: str
    notes: str
    tags: list[TagRef]
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime
    updated_at: dt.datetime


class TagOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    version: int = Field(..., description=VERSION_OUT)
    organization_count: int
    person_count: int


# Input. Every field of a PATCH schema is optional; only the fields sent are changed.


class OrganizationFields(InputSchema):
    name: str = Text(min_length=1, max_length=200)
    kind: Organization.Kind | None = None
    country: str = Text(description="ISO 3166 code or country name")
    city: str = Text(max_length=120)
    website: str = Text(max_length=300)
    founded_year: int | None = Field(None, ge=1000, le=2100)
    size_band: Organization.SizeBand | Literal[""] = Text()
    stage: Organization.Stage | Literal[""] = Text()
    one_liner: str = Text(max_length=300)
    description: str = Text()
    tags: list[str] | None = Field(None, description="Tag names; missing tags are created")

    _check_country = field_validator("country")(_country)
    _check_tags = field_validator("tags")(tag_names)


class OrganizationPatch(OrganizationFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class OrganizationIn(OrganizationFields):
    name: str = Field(..., min_length=1, max_length=200)


class PersonFields(InputSchema):
    full_name: str = Text(min_length=1, max_length=200)
    organization: int | None = Field(None, description="Id of the organization")
    title: str = Text(max_length=200)
    email: str = Text(max_length=254)
    phone: str = Text(max_length=50)
    is_internal: bool | None = None
    relation: Person.Relation | None = None
    linkedin_url: str = Text(max_length=300)
    country: str = Text(description="ISO 3166 code or country name")
    city: str = Text(max_length=120)
    notes: str = Text()
    tags: list[str] | None = Field(None, description="Tag names; missing tags are created")

    _check_country = field_validator("country")(_country)
    _check_tags = field_validator("tags")(tag_names)


class PersonPatch(PersonFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class PersonIn(PersonFields):
    full_name: str = Field(..., min_length=1, max_length=200)


class TagFields(InputSchema):
    name: str = Text(min_length=1, max_length=80)
    slug: str = Text(max_length=80, pattern=r"^[-a-zA-Z0-9_]*$")
    description: str = Text(max_length=300)


class TagPatch(TagFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class TagIn(TagFields):
    name: str = Field(..., min_length=1, max_length=80)


# Filters: the same FilterSets as the pages (accord/directory/filters.py) read these.


class OrganizationFilters(Schema):
    q: str | None = Field(None, description="Full-text search: every word, as a prefix")
    kind: list[Organization.Kind] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list, description="ISO codes or country names")
    stage: list[Organization.Stage] = Field(default_factory=list)
    size_band: list[Organization.SizeBand] = Field(default_factory=list)
    tag: list[str] = Field(default_factory=list, description="Tag slugs")
    founded_from: int | None = None
    founded_to: int | None = None
    ordering: OrganizationOrdering | None = None

    @field_validator("country")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        return [_country(v) or "" for v in value]


class PersonFilters(Schema):
    q: str | None = Field(None, description="Search in name, e-mail and title")
    organization: int | None = None
    relation: list[Person.Relation] = Field(default_factory=list)
    is_internal: bool | None = None
    tag: list[str] = Field(default_factory=list, description="Tag slugs")
    ordering: PersonOrdering | None = None


class TagFilters(Schema):
    q: str | None = Field(None, description="Search in the tag name")
