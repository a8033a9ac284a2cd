from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.portal_components import ServiceKind
from models.stats import AlertKind
from models.usage import Meter
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0015_personal_office_bookings')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ServicePackage',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('components', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('features', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('max_users', fields.IntField(null=True)),
                ('max_storage_bytes', fields.BigIntField(null=True)),
                ('max_monthly_documents', fields.IntField(null=True)),
                ('api_requests_per_minute', fields.IntField(null=True)),
                ('term_days', fields.IntField(null=True)),
                ('grace_days', fields.IntField(default=7)),
                ('active', fields.BooleanField(default=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'service_package', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'A package (服务套餐) the platform offers: the service components and features a tenant on'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TenantAllocation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.OneToOneField('officecloud.Tenant', source_field='tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('package', fields.ForeignKeyField('officecloud.ServicePackage', source_field='package_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('max_users', fields.IntField(null=True)),
                ('max_storage_bytes', fields.BigIntField(null=True)),
                ('max_monthly_documents', fields.IntField(null=True)),
                ('api_requests_per_minute', fields.IntField(null=True)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('storage_bytes', fields.BigIntField(default=0)),
                ('suspended_for_expiry', fields.BooleanField(default=False)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'tenant_allocation', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'What the platform allocated to one tenant: its package, limits that override the'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='UsageDay',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('day', fields.DateField()),
                ('meter', fields.CharEnumField(description='USERS_TOTAL: users_total\nUSERS_ACTIVE: users_active\nDOCUMENTS: documents\nSTORAGE_BYTES: storage_bytes\nDOCUMENTS_CREATED: documents_created\nAPI_REQUESTS: api_requests\nWEBSOCKET_CONNECTIONS: websocket_connections\nNOTIFICATIONS_SENT: notifications_sent\nBOOKINGS: bookings\nSEARCH_QUERIES: search_queries', enum_type=Meter, max_length=32)),
                ('key', fields.CharField(default='', max_length=64)),
                ('value', fields.BigIntField(default=0)),
            ],
            options={'table': 'tenant_usage_day', 'app': 'officecloud', 'unique_together': (('tenant', 'day', 'meter', 'key'),), 'indexes': [Index(fields=['day', 'meter'])], 'pk_attr': 'id', 'table_description': "One meter of one tenant on one day (Asia/Shanghai): a counter's sum or a gauge's last"},
            bases=['TenantEntity'],
        ),
        ops.AlterField(
            model_name='Alert',
            name='kind',
            field=fields.CharEnumField(description='TASKS_OVERDUE: tasks_overdue\nOUTBOX_LAG: outbox_lag\nQUOTA: quota\nPACKAGE_EXPIRED: package_expired', enum_type=AlertKind, max_length=32),
        ),
        ops.AlterField(
            model_name='ServiceApplication',
            name='kind',
            field=fields.CharEnumField(description='COMPONENT: component\nRESOURCE: resource\nPACKAGE: package', enum_type=ServiceKind, max_length=16),
        ),
        ops.AddField(
            model_name='ServiceApplication',
            name='package',
            field=fields.ForeignKeyField('officecloud.ServicePackage', source_field='package_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
    ]
