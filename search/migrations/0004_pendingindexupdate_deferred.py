"""An import's outbox rows that wait for its last drain (search.outbox.enqueue(deferred=))."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("search", "0003_pendingindexupdate_owner")]
    operations = [
        migrations.AddField(
            model_name="pendingindexupdate",
            name="deferred",
            field=models.BooleanField(default=False),
        )
    ]
