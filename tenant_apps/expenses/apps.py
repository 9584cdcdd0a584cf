from django.apps import AppConfig


class ExpensesConfig(AppConfig):
    name = "tenant_apps.expenses"
    label = "expenses"
    verbose_name = "Expenses"
    default_auto_field = "django.db.models.BigAutoField"
