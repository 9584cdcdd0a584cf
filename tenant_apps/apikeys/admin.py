"""API keys live in tenant schemas; the platform admin runs on the public schema, so they are not
registered there (an operator inspects them per tenant with `tenant_command shell`)."""
