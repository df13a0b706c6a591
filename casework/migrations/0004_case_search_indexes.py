"""Indexes for case search (casework/search.py), on PostgreSQL only.

The name is matched with LIKE '%part%' against casework_search_name(answers), an
immutable function (unaccent itself is only stable, so an index cannot use it
directly; naming the dictionary makes the result fixed). pg_trgm's GIN index serves
those matches. The other criteria are equality on a JSON key, each with a B-tree index on
exactly the expression the ORM writes. SQLite (`make run`) needs none of this:
casework.apps registers the function there in Python.
"""

from django.db import migrations

TABLE = "applications_application"
FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """CREATE OR REPLACE FUNCTION casework_search_name(answers jsonb) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary,
                 coalesce(answers ->> 'given_names', '') || ' ' || coalesce(answers ->> 'family_name', ''))) $$""",
    f"CREATE INDEX IF NOT EXISTS casework_search_name_trgm ON {TABLE} USING gin (casework_search_name(answers) gin_trgm_ops)",
    f"CREATE INDEX IF NOT EXISTS casework_search_dob ON {TABLE} ((answers ->> 'date_of_birth'))",
    f"CREATE INDEX IF NOT EXISTS casework_search_passport ON {TABLE} ((answers ->> 'passport_number'))",
    f"CREATE INDEX IF NOT EXISTS casework_search_email ON {TABLE} (lower(answers ->> 'email'))",
]
BACKWARD = [
    "DROP INDEX IF EXISTS casework_search_email",
    "DROP INDEX IF EXISTS casework_search_passport",
    "DROP INDEX IF EXISTS casework_search_dob",
    "DROP INDEX IF EXISTS casework_search_name_trgm",
    "DROP FUNCTION IF EXISTS casework_search_name(jsonb)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_share_code_hash"), ("applications", "0002_application_synthetic_cohort")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
