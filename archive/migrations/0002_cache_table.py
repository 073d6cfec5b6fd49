"""The database cache table (login throttling counters), created by migrate.

Without it every admin login is a 500; making it a migration means no set-up step can forget
`createcachetable`. It runs the same command, so it is idempotent and follows CACHES.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
