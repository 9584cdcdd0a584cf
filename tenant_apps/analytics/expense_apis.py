"""/api/v1/analytics/depenses/synthese: spending per month and cost centre against the monthly budgets."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.rbac.enums import PermissionCode
from tenant_apps.expenses.selectors import expense_synthesis


def _money(**kw: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kw)


class ExpenseSynthesisApi(APIView):
    """Per month and centre, newest month first: totals HT and TTC, the centre's monthly budget and
    `execution_pct` = total_ht / budget_mensuel x 100 (to 0.1; null when the centre has no budget).
    The totals are the expenses recorded plus, in the centre fed by supplier invoices ("Matières
    premières"), the invoices as printed (credit notes negative): see expenses.selectors. A month with any
    spending lists every active centre that has a budget; `annee` and `mois` together list that month even
    when nothing was spent."""

    required_permission = PermissionCode.EXPENSES_READ
    response_envelope = "list"

    class FilterSerializer(serializers.Serializer[Any]):
        annee = serializers.IntegerField(min_value=2000, max_value=2100, required=False, default=None)
        mois = serializers.IntegerField(min_value=1, max_value=12, required=False, default=None)

    class OutputSerializer(serializers.Serializer[Any]):
        annee = serializers.IntegerField(source="year")
        mois = serializers.IntegerField(source="month")
        annee_mois = serializers.CharField(source="year_month", help_text="YYYY-MM")
        centre_cout_id = serializers.IntegerField(source="centre_id")
        centre_cout = serializers.CharField(source="centre")
        type_cout = serializers.CharField(source="kind", help_text="fixe or variable")
        total_ht = _money()
        total_ttc = _money()
        budget_mensuel = _money(source="monthly_budget", allow_null=True)
        execution_pct = serializers.DecimalField(max_digits=9, decimal_places=1, allow_null=True)

    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = expense_synthesis(year=query.validated_data["annee"], month=query.validated_data["mois"])
        return Response(self.OutputSerializer(rows, many=True).data)
