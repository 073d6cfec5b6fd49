from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="pendingindexupdate",
            name="bulk",
            field=models.BooleanField(default=False),
        ),
    ]
