from django.urls import path

from . import apis

urlpatterns = [
    path("sessions", apis.SessionListApi.as_view(), name="sessions"),
    path("sessions/<uuid:session_id>", apis.SessionDetailApi.as_view(), name="session-detail"),
]
