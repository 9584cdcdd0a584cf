"""PostgreSQL enforces that the audit log is append-only.

A row trigger rejects every UPDATE and DELETE on audit_auditevent, whoever sends it (ORM, raw SQL, psql as
the application's role). The one exception is GDPR pseudonymisation, and only when the session asks for it
with `SET LOCAL massacorp.audit_pseudonymise = 'on'` (see services.audit_pseudonymise): such an UPDATE may
only unlink the row from a person (user_id / actor_id -> NULL) and replace that person's e-mail snapshot;
every other column must stay exactly as it was.

Not covered by a row trigger: TRUNCATE and DROP, which need the table owner's rights. Django's test runner
empties tables with TRUNCATE, so it is not blocked here; in production run the application as a role that
does not own the table.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    identity_columns text[] := ARRAY['user_id', 'email', 'actor_id', 'actor_email'];
BEGIN
    IF TG_OP = 'UPDATE'
       AND current_setting('massacorp.audit_pseudonymise', true) = 'on'
       -- nothing but the identity columns changes ...
       AND (to_jsonb(NEW) - identity_columns) = (to_jsonb(OLD) - identity_columns)
       -- ... a link to a person may only be removed, never added or moved ...
       AND (NEW.user_id IS NULL OR NEW.user_id = OLD.user_id)
       AND (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       -- ... and a snapshot may only be replaced on a row no longer linked to that person.
       AND (NEW.email = OLD.email OR NEW.user_id IS NULL)
       AND (NEW.actor_email = OLD.actor_email OR NEW.actor_id IS NULL)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING HINT = 'Audit events are never changed or removed; GDPR pseudonymisation goes through '
                     'shared_apps.audit.services.audit_pseudonymise.';
END;
$$;

CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, REVERSE),
    ]
