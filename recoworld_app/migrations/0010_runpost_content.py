from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("recoworld_app", "0009_draft_perception"),
    ]

    operations = [
        migrations.AddField(
            model_name="runpost",
            name="content",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
