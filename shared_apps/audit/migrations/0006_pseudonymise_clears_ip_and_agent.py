"""GDPR erasure also clears the IP address and user agent of the requests the person made.

The append-only trigger's one exception (0002) widens to two more columns, which may only be emptied, and
only on a row the same UPDATE unlinks from a person (services.audit_pseudonymise clears them where the
person made the request: subject without another actor, or actor). Everything else stays refused.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    identity_columns text[] := ARRAY[{columns}];
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
       AND (NEW.actor_email = OLD.actor_email OR NEW.actor_id IS NULL){request_rule}
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING HINT = 'Audit events are never changed or removed; GDPR pseudonymisation goes through '
                     'shared_apps.audit.services.audit_pseudonymise.';
END;
$$;
"""

REQUEST_RULE = r"""
       -- ... the request's IP and user agent may only be emptied, by the UPDATE that unlinks the row.
       AND ((NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.user_agent = OLD.user_agent)
            OR ((NEW.ip IS NULL OR NEW.ip IS NOT DISTINCT FROM OLD.ip)
                AND (NEW.user_agent = '' OR NEW.user_agent = OLD.user_agent)
                AND ((OLD.user_id IS NOT NULL AND NEW.user_id IS NULL)
                     OR (OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL))))"""

IDENTITY = "'user_id', 'email', 'actor_id', 'actor_email'"

FORWARD = FUNCTION.format(columns=IDENTITY + ", 'ip', 'user_agent'", request_rule=REQUEST_RULE)
REVERSE = FUNCTION.format(columns=IDENTITY, request_rule="")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_signup_with_taken_email"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, REVERSE),
    ]
