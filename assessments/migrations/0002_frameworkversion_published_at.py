"""Framework versions get a draft state (published_at = None); every existing version was in use as
published, so it is marked published as of its creation."""

from django.db import migrations, models


def mark_existing_published(apps, schema_editor) -> None:
    FrameworkVersion = apps.get_model("assessments", "FrameworkVersion")
    for version in FrameworkVersion.objects.filter(published_at__isnull=True):
        version.published_at = version.created_at
        version.save(update_fields=["published_at"])


def mark_all_draft(apps, schema_editor) -> None:
    FrameworkVersion = apps.get_model("assessments", "FrameworkVersion")
    for version in FrameworkVersion.objects.exclude(published_at__isnull=True):
        version.published_at = None
        version.save(update_fields=["published_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="frameworkversion",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published"),
        ),
        migrations.RunPython(mark_existing_published, mark_all_draft),
    ]
