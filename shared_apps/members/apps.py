from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "shared_apps.members"
    label = "members"
