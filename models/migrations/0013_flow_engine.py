from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.workdays import DayKind, DaySource
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from workflow.vocabulary import TaskStatus
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0012_idempotency_keys')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('day', fields.DateField()),
                ('kind', fields.CharEnumField(description='HOLIDAY: holiday\nWORKDAY: workday', enum_type=DayKind, max_length=16)),
                ('name', fields.CharField(default='', max_length=100)),
                ('hours', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('source', fields.CharEnumField(default=DaySource.ADMIN, description='SEED: seed\nADMIN: admin', enum_type=DaySource, max_length=16)),
            ],
            options={'table': 'calendar_day', 'app': 'officecloud', 'unique_together': (('tenant', 'day'),), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='DelegationRule',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('delegate', fields.ForeignKeyField('officecloud.User', source_field='delegate_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('flow', fields.ForeignKeyField('officecloud.FlowDefinition', source_field='flow_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_by_id', fields.UUIDField()),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'delegation_rule', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'user_id', 'ends_at']), Index(fields=['tenant_id', 'ends_at', 'starts_at'])], 'pk_attr': 'id', 'table_description': '委托规则: from starts_at until ends_at, new tasks of the user (of one flow, when set) go'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='WorkSchedule',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('timezone', fields.CharField(null=True, max_length=64)),
                ('hours', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('weekend', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'work_schedule', 'app': 'officecloud', 'unique_together': (('tenant',),), 'pk_attr': 'id', 'table_description': 'Working hours, weekend and time zone. Null fields of a tenant follow the platform.'},
            bases=['TenantEntity'],
        ),
        ops.AlterField(
            model_name='Task',
            name='status',
            field=fields.CharEnumField(default=TaskStatus.OPEN, description='OPEN: open\nCOMPLETED: completed\nCANCELLED: cancelled\nDELEGATED: delegated\nTRANSFERRED: transferred\nESCALATED: escalated\nSUSPENDED: suspended\nREMOVED: removed\nWITHDRAWN: withdrawn\nJUMPED: jumped', enum_type=TaskStatus, max_length=16),
        ),
        ops.AddField(
            model_name='Task',
            name='delegated_from',
            field=fields.ForeignKeyField('officecloud.User', source_field='delegated_from_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Task',
            name='opened_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Task',
            index=Index(fields=['tenant_id', 'delegated_from_id', 'id']),
        ),
    ]
