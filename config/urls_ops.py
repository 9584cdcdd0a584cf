"""Operator routes, present in every URLconf so that they answer on any host."""

from django.urls import path

from shared_apps.ops import apis

urlpatterns = [
    path("health", apis.health, name="health"),
    path("ready", apis.ready, name="ready"),
    path("health/deep", apis.health_deep, name="health-deep"),
    path("metrics", apis.metrics, name="metrics"),
]
