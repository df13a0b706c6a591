from django.apps import AppConfig


class ManagementInformationConfig(AppConfig):
    name = "management_information"
    verbose_name = "Management information"
