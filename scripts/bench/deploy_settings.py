"""config.settings.dev plus, for bench_deploy.py, the apikeys app's migrations taken from the package named
by BENCH_DEPLOY_MIGRATIONS (the real ones and a generated AddField). Never used to serve."""

import os

from config.settings.dev import *  # noqa: F403

if os.environ.get("BENCH_DEPLOY_MIGRATIONS"):
    MIGRATION_MODULES = {"apikeys": os.environ["BENCH_DEPLOY_MIGRATIONS"]}
