from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "accord.partnerships"
    label = "partnerships"
