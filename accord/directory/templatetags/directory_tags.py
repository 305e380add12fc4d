from django import template

from accord.directory.normalize import country_name as name_of_country

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    """The country's name for its two-letter code (the code itself when unknown)."""
    return name_of_country(code)
