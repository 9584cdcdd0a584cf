"""/api/v1/centres-couts and /api/v1/depenses (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis.centres import CategoryDetailApi, CategoryListApi, CentreDetailApi, CentreListApi
from .apis.expenses import ExpenseDetailApi, ExpenseListApi

urlpatterns = [
    path("centres-couts", CentreListApi.as_view(), name="cost-centres"),
    path("centres-couts/<int:centre_id>", CentreDetailApi.as_view(), name="cost-centre"),
    path("depenses", ExpenseListApi.as_view(), name="expenses"),
    path("depenses/categories", CategoryListApi.as_view(), name="expense-categories"),
    path("depenses/categories/<int:category_id>", CategoryDetailApi.as_view(), name="expense-category"),
    path("depenses/<int:expense_id>", ExpenseDetailApi.as_view(), name="expense"),
]
