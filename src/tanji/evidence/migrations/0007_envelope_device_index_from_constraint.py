"""Drop the raw envelopes' own index on ``device`` (ADR 0259).

The ``(device, seq)`` constraint's index leads with the device and serves every look-up by
device. Only the index is dropped: altering the field through Django would rebuild the whole
envelope table on SQLite.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def _device_indexes(schema_editor: Any, model: Any) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, model._meta.db_table)
    return [
        name
        for name, info in found.items()
        if info["index"] and not info["unique"] and info["columns"] == ["device_id"]
    ]


def drop_index(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("evidence", "RawEnvelope")
    for name in _device_indexes(schema_editor, model):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_index(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("evidence", "RawEnvelope")
    if not _device_indexes(schema_editor, model):
        field = model._meta.get_field("device")
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [("evidence", "0006_user_keys")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="rawenvelope",
                    name="device",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="evidence.device",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_index, create_index)],
        ),
    ]
