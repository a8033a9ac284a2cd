from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.documents import Secrecy, Urgency
from models.exchange import IncomingStatus, RecipientRole, RecipientStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

EXCHANGE_PERMISSIONS = ["exchange.send", "exchange.receive"]


async def grant_exchange_to_admins(apps, schema_editor):
    """Administrator roles of existing tenants hold every permission: add the new ones."""
    Role = apps.get_model("officecloud", "Role")
    for role in await Role.filter(is_system=True, code__in=["tenant_admin", "platform_admin"]):
        missing = [p for p in EXCHANGE_PERMISSIONS if p not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            await role.save(update_fields=["permissions"])


class Migration(migrations.Migration):
    dependencies = [('officecloud', '0004_sso')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Dispatch',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('document', fields.ForeignKeyField('officecloud.Document', source_field='document_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('sent_by', fields.ForeignKeyField('officecloud.User', source_field='sent_by_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('comment', fields.TextField(null=True, unique=False)),
                ('contents', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'exchange_dispatch', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'One distribution (分发) of a completed document, with the copy that leaves the tenant.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='DispatchRecipient',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('dispatch', fields.ForeignKeyField('officecloud.Dispatch', source_field='dispatch_id', db_constraint=True, to_field='id', related_name='recipients', on_delete=OnDelete.CASCADE)),
                ('document', fields.ForeignKeyField('officecloud.Document', source_field='document_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('receiver_tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='receiver_tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('receiver_unit_id', fields.UUIDField(null=True)),
                ('unit_key', fields.CharField(default='', max_length=32)),
                ('receiver_name', fields.CharField(max_length=200)),
                ('receiver_code', fields.CharField(max_length=64)),
                ('unit_name', fields.CharField(null=True, max_length=200)),
                ('role', fields.CharEnumField(description='MAIN: main\nCOPY: copy', enum_type=RecipientRole, max_length=8)),
                ('status', fields.CharEnumField(default=RecipientStatus.SENT, description='SENT: sent\nDELIVERED: delivered\nSIGNED: signed\nRETURNED: returned', enum_type=RecipientStatus, max_length=16)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('signed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('returned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_reason', fields.TextField(null=True, unique=False)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'exchange_recipient', 'app': 'officecloud', 'unique_together': (('document', 'receiver_tenant', 'unit_key'),), 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'One receiver of a dispatch as the sender sees it: where it went and how far it got.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='ExchangePartner',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('sender', fields.ForeignKeyField('officecloud.Tenant', source_field='sender_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('receiver', fields.ForeignKeyField('officecloud.Tenant', source_field='receiver_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('note', fields.CharField(default='', max_length=200)),
                ('created_by_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'exchange_partner', 'app': 'officecloud', 'unique_together': (('sender', 'receiver'),), 'pk_attr': 'id', 'table_description': "A platform admin's decision that one tenant may send documents to another."},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='IncomingItem',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('dispatch_id', fields.UUIDField()),
                ('recipient_id', fields.UUIDField(unique=True)),
                ('unit_key', fields.CharField(default='', max_length=32)),
                ('sender_tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='sender_tenant_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('sender_name', fields.CharField(max_length=200)),
                ('sender_code', fields.CharField(max_length=64)),
                ('org_unit', fields.ForeignKeyField('officecloud.OrgUnit', source_field='org_unit_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('role', fields.CharEnumField(description='MAIN: main\nCOPY: copy', enum_type=RecipientRole, max_length=8)),
                ('title', fields.CharField(max_length=300)),
                ('number', fields.CharField(null=True, max_length=100)),
                ('urgency', fields.CharEnumField(default=Urgency.NORMAL, description='NORMAL: normal\nURGENT: urgent\nEXTRA_URGENT: extra_urgent\nFLASH: flash', enum_type=Urgency, max_length=16)),
                ('secrecy', fields.CharEnumField(default=Secrecy.INTERNAL, description='PUBLIC: public\nINTERNAL: internal\nSECRET: secret\nCONFIDENTIAL: confidential\nTOP_SECRET: top_secret', enum_type=Secrecy, max_length=16)),
                ('public_fields', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=IncomingStatus.PENDING, db_index=True, description='PENDING: pending\nSIGNED: signed\nRETURNED: returned', enum_type=IncomingStatus, max_length=16)),
                ('handled_by', fields.ForeignKeyField('officecloud.User', source_field='handled_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('handled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_reason', fields.TextField(null=True, unique=False)),
                ('document', fields.ForeignKeyField('officecloud.Document', source_field='document_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'exchange_incoming', 'app': 'officecloud', 'unique_together': (('tenant', 'dispatch_id', 'unit_key'),), 'indexes': [Index(fields=['tenant_id', 'status', 'id'])], 'pk_attr': 'id', 'table_description': '收文箱: the copy another tenant sent, to sign for (签收) or return (退回).'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='IncomingAttachment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('incoming', fields.ForeignKeyField('officecloud.IncomingItem', source_field='incoming_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.BigIntField()),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
            ],
            options={'table': 'exchange_incoming_attachment', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': "The receiver's row for a sent attachment: the same immutable blob, keyed by sha256."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='IncomingReminder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('incoming', fields.ForeignKeyField('officecloud.IncomingItem', source_field='incoming_id', unique=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('fired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'exchange_reminder', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'A durable reminder for an unsigned incoming item, claimed with FOR UPDATE SKIP LOCKED.'},
            bases=['TenantEntity'],
        ),
        ops.RunPython(grant_exchange_to_admins, ops.RunPython.noop),
    ]
