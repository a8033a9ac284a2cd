from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.circulation import CirculationSource
from models.notifications import Channel, DeliveryStatus, NotificationKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0013_flow_engine')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Circulation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('document', fields.ForeignKeyField('officecloud.Document', source_field='document_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('sender', fields.ForeignKeyField('officecloud.User', source_field='sender_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('source', fields.CharEnumField(description='MANUAL: manual\nFLOW: flow\nPASS_ON: pass_on', enum_type=CirculationSource, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('node_id', fields.CharField(null=True, max_length=100)),
                ('node_name', fields.CharField(null=True, max_length=200)),
                ('allow_pass_on', fields.BooleanField(default=True)),
                ('parent_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'circulation', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'document_id']), Index(fields=['tenant_id', 'sender_id', 'id'])], 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='CirculationRecipient',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('circulation', fields.ForeignKeyField('officecloud.Circulation', source_field='circulation_id', db_constraint=True, to_field='id', related_name='recipients', on_delete=OnDelete.CASCADE)),
                ('document', fields.ForeignKeyField('officecloud.Document', source_field='document_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('urged_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'circulation_recipient', 'app': 'officecloud', 'unique_together': (('circulation', 'user'),), 'indexes': [Index(fields=['tenant_id', 'user_id', 'read_at', 'id']), Index(fields=['tenant_id', 'user_id', 'document_id'])], 'pk_attr': 'id', 'table_description': "One person's copy: 待阅 until `read_at`, then 已阅."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='TASK_ASSIGNED: task_assigned\nTASK_HANDED_OVER: task_handed_over\nTASK_URGED: task_urged\nTASK_REMINDER: task_reminder\nTASK_OVERDUE: task_overdue\nCIRCULATION_RECEIVED: circulation_received\nCIRCULATION_URGED: circulation_urged\nDISPATCH_SIGNED: dispatch_signed\nDISPATCH_RETURNED: dispatch_returned\nINCOMING_ARRIVED: incoming_arrived\nTENANT_APPLICATION_DECIDED: tenant_application_decided\nSERVICE_APPLICATION_DECIDED: service_application_decided\nMENTIONED: mentioned', enum_type=NotificationKind, max_length=32)),
                ('text', fields.TextField(unique=False)),
                ('link', fields.CharField(null=True, max_length=200)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notification', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'user_id', 'id']), Index(fields=['tenant_id', 'user_id', 'read_at'])], 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='NotificationDelivery',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('notification', fields.ForeignKeyField('officecloud.Notification', source_field='notification_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharEnumField(description='EMAIL: email\nSMS: sms\nIM: im', enum_type=Channel, max_length=8)),
                ('address', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=300)),
                ('body', fields.TextField(unique=False)),
                ('link', fields.CharField(null=True, max_length=200)),
                ('status', fields.CharEnumField(default=DeliveryStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed', enum_type=DeliveryStatus, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'notification_delivery', 'app': 'officecloud', 'indexes': [Index(fields=['status', 'channel', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': "One message on one channel: of a notification, or a day's digest (no notification)."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.OneToOneField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('channels', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('quiet_start', fields.CharField(null=True, max_length=5)),
                ('quiet_end', fields.CharField(null=True, max_length=5)),
                ('time_zone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('digest_after_hours', fields.IntField(null=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'notification_preference', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'Which kinds go to which outbound channel, quiet hours and the digest. Without a row'},
            bases=['TenantEntity'],
        ),
    ]
