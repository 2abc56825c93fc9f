from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "laksana.portal"
    label = "portal"
