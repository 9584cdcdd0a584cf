"""Deploy-time migrations of every tenant schema in seconds (the `deploy_migrations` command).

plan.py: what every tenant schema must have recorded, built once from the migration files.
catalogue.py: which schemas exist and what each has recorded, in a few queries for all of them.
runner.py: applies what is missing, schema by schema, over a few long-lived connections.
"""
