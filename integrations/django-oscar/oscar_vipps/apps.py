from django.apps import AppConfig


class OscarVippsConfig(AppConfig):
    name = "oscar_vipps"
    label = "oscar_vipps"
    verbose_name = "Vipps MobilePay"
    default_auto_field = "django.db.models.BigAutoField"
