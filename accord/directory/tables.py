import django_tables2 as tables

from accord.directory.models import Organization, Person, Tag


class OrganizationTable(tables.Table):
    name = tables.Column(linkify=True, attrs={"td": {"class": "fw-semibold"}})
    one_liner = tables.Column(
        verbose_name="What they do", orderable=False, attrs={"td": {"class": "one-liner small"}}
    )
    kind = tables.Column()
    country = tables.Column()
    city = tables.Column()
    stage = tables.Column()
    founded_year = tables.Column(verbose_name="Founded")
    tags = tables.Column(empty_values=(), orderable=False)
    updated_at = tables.DateTimeColumn(verbose_name="Updated", format="Y-m-d")

    class Meta:
        model = Organization
        fields = (
            "name",
            "one_liner",
            "kind",
            "country",
            "city",
            "stage",
            "founded_year",
            "tags",
            "updated_at",
        )
        attrs = {
            "class": "table table-sm table-hover bg-white border",
            "data-testid": "organizations",
        }
        order_by_field = "sort"
        per_page = 50

    # Drawn by directory/organization_table.html. The fields its rows show
    # (directory/organization_rows.html): the list reads no others.
    reads = ("name", "one_liner", "kind", "country", "city", "stage", "founded_year", "updated_at")
    tag_names: dict[int, list[str]] = {}  # set by the view for the page shown


class PersonTable(tables.Table):
    full_name = tables.Column(linkify=True, verbose_name="Name")
    organization = tables.Column(linkify=True)

    class Meta:
        model = Person
        fields = (
            "full_name",
            "title",
            "organization",
            "relation",
            "email",
            "is_internal",
            "updated_at",
        )
        attrs = {"class": "table table-sm table-hover bg-white border", "data-testid": "people"}
        order_by_field = "sort"
        per_page = 50


class TagTable(tables.Table):
    name = tables.Column(linkify=True)
    organization_count = tables.Column(verbose_name="Organizations")
    person_count = tables.Column(verbose_name="People")

    class Meta:
        model = Tag
        fields = ("name", "description", "organization_count", "person_count")
        attrs = {"class": "table table-sm table-hover bg-white border"}
        order_by_field = "sort"
        per_page = 100
