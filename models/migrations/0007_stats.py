from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.stats import AlertKind, AlertStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0006_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Alert',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='TASKS_OVERDUE: tasks_overdue\nOUTBOX_LAG: outbox_lag', enum_type=AlertKind, max_length=32)),
                ('status', fields.CharEnumField(default=AlertStatus.OPEN, description='OPEN: open\nRESOLVED: resolved', enum_type=AlertStatus, max_length=16)),
                ('severity', fields.CharField(default='warning', max_length=16)),
                ('value', fields.FloatField()),
                ('threshold', fields.FloatField()),
                ('message', fields.TextField(unique=False)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('raised_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'alert', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'status', 'kind'])], 'pk_attr': 'id', 'table_description': 'One crossing of an operating threshold, raised and resolved by the alert job.'},
            bases=['TenantEntity'],
        ),
    ]
