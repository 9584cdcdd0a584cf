# No admin registrations: the Django admin is served on the public site only (config.urls_public), where
# these tenant tables do not exist.
