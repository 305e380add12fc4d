from accord.core.models import AuditEvent
from accord.directory.models import Organization


def test_admin_creates_an_organization_through_the_form_and_it_is_audited(admin_client, admin_user):
    response = admin_client.post(
        "/directory/organizations/new/",
        {
            "name": "Gamma Sensors",
            "kind": "startup",
            "country": "Germany",
            "website": "gamma.example",
        },
    )
    assert response.status_code == 302
    created = Organization.objects.get(name="Gamma Sensors")
    assert created.country == "DE"
    assert created.domain == "gamma.example"
    event = AuditEvent.objects.get(model="directory.organization", object_id=str(created.pk))
    assert event.actor == admin_user
    assert event.channel == "web"
    assert event.changes["name"] == [None, "Gamma Sensors"]


def test_unknown_country_is_refused_with_its_name_and_nothing_is_written(admin_client):
    response = admin_client.post(
        "/directory/organizations/new/", {"name": "Delta", "kind": "startup", "country": "Atlantis"}
    )
    assert response.status_code == 200
    assert "Atlantis" in response.content.decode()
    assert not Organization.objects.filter(name="Delta").exists()
