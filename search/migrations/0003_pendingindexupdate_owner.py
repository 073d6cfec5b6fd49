"""Who wrote a bulk outbox row: the importing process's host and pid (search.outbox)."""

from django.db import migrations, models

OWNER = {
    "owner_host": models.CharField(blank=True, default="", max_length=255),
    "owner_pid": models.PositiveIntegerField(blank=True, null=True),
}


class Migration(migrations.Migration):
    dependencies = [("search", "0002_pendingindexupdate_bulk")]
    operations = [
        migrations.AddField(model_name="pendingindexupdate", name=name, field=field)
        for name, field in OWNER.items()
    ]
