from tortoise import migrations
from tortoise.migrations import operations as ops
from models.access import DataScope
from models.base import new_id
from models.directory import UserStatus
from models.tenants import ApplicationStatus, TenantKind, TenantStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('tenant_id', fields.UUIDField(db_index=True)),
                ('topic', fields.CharField(max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_event', 'app': 'officecloud', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tenant',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(default=TenantKind.DEPARTMENT, description='PLATFORM: platform\nDEPARTMENT: department', enum_type=TenantKind, max_length=16)),
                ('status', fields.CharEnumField(default=TenantStatus.PENDING, description='PENDING: pending\nACTIVE: active\nSUSPENDED: suspended', enum_type=TenantStatus, max_length=16)),
                ('parent', fields.ForeignKeyField('officecloud.Tenant', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=2000)),
                ('settings', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'tenant', 'app': 'officecloud', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
        ops.CreateModel(
            name='TenantLog',
            fields=[
                ('tenant_id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('audit_seq', fields.BigIntField(default=0)),
                ('audit_hash', fields.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64)),
            ],
            options={'table': 'tenant_log', 'app': 'officecloud', 'pk_attr': 'tenant_id', 'table_description': "The head of a tenant's audit chain, locked by every write of that tenant."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('seq', fields.BigIntField()),
                ('actor_id', fields.UUIDField(null=True)),
                ('actor_name', fields.CharField(default='', max_length=100)),
                ('action', fields.CharField(db_index=True, max_length=64)),
                ('target_type', fields.CharField(max_length=64)),
                ('target_id', fields.CharField(db_index=True, max_length=64)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'audit_entry', 'app': 'officecloud', 'unique_together': (('tenant', 'seq'),), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Role',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.TextField(default='', unique=False)),
                ('permissions', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('data_scope', fields.CharEnumField(default=DataScope.SELF, description='SELF: self\nORG_UNIT: org_unit\nORG_UNIT_AND_BELOW: org_unit_and_below\nTENANT: tenant', enum_type=DataScope, max_length=24)),
                ('is_system', fields.BooleanField(default=False)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'role', 'app': 'officecloud', 'unique_together': (('tenant', 'code'),), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='OrgUnit',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('parent', fields.ForeignKeyField('officecloud.OrgUnit', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=200)),
                ('code', fields.CharField(null=True, max_length=64)),
                ('path', fields.CharField(db_index=True, max_length=2000)),
                ('depth', fields.IntField(default=0)),
                ('sort_order', fields.IntField(default=0)),
                ('external_id', fields.CharField(null=True, max_length=255)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'org_unit', 'app': 'officecloud', 'unique_together': (('tenant', 'code'), ('tenant', 'external_id')), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('username', fields.CharField(max_length=64)),
                ('display_name', fields.CharField(max_length=100)),
                ('email', fields.CharField(null=True, max_length=254)),
                ('phone', fields.CharField(null=True, max_length=32)),
                ('title', fields.CharField(null=True, max_length=100)),
                ('external_subject', fields.CharField(null=True, max_length=255)),
                ('status', fields.CharEnumField(default=UserStatus.ACTIVE, description='ACTIVE: active\nDISABLED: disabled\nDEPROVISIONED: deprovisioned', enum_type=UserStatus, max_length=16)),
                ('primary_org_unit', fields.ForeignKeyField('officecloud.OrgUnit', source_field='primary_org_unit_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'app_user', 'app': 'officecloud', 'unique_together': (('tenant', 'username'), ('tenant', 'external_subject')), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.AddField(
            model_name='OrgUnit',
            name='leader',
            field=fields.ForeignKeyField('officecloud.User', source_field='leader_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.CreateModel(
            name='Membership',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('org_unit', fields.ForeignKeyField('officecloud.OrgUnit', source_field='org_unit_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'membership', 'app': 'officecloud', 'unique_together': (('user', 'org_unit'),), 'pk_attr': 'id', 'table_description': 'A user belongs to one or more org units, one of them the primary one.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='RoleAssignment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name='role_assignments', on_delete=OnDelete.CASCADE)),
                ('role', fields.ForeignKeyField('officecloud.Role', source_field='role_id', db_constraint=True, to_field='id', related_name='assignments', on_delete=OnDelete.CASCADE)),
                ('org_unit', fields.ForeignKeyField('officecloud.OrgUnit', source_field='org_unit_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'role_assignment', 'app': 'officecloud', 'unique_together': (('user', 'role', 'org_unit'),), 'pk_attr': 'id', 'table_description': "A role held by a user, anchored at an org unit (default: the user's own units)."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='TenantApplication',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('code', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('parent', fields.ForeignKeyField('officecloud.Tenant', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('applicant_name', fields.CharField(max_length=100)),
                ('applicant_email', fields.CharField(max_length=254)),
                ('applicant_phone', fields.CharField(null=True, max_length=32)),
                ('admin_username', fields.CharField(max_length=64)),
                ('applicant_user', fields.ForeignKeyField('officecloud.User', source_field='applicant_user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('details', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('status', fields.CharEnumField(default=ApplicationStatus.PENDING, db_index=True, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=ApplicationStatus, max_length=16)),
                ('reviewer', fields.ForeignKeyField('officecloud.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reason', fields.TextField(null=True, unique=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'tenant_application', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'An online registration (在线注册): reserves the code as a pending tenant until reviewed.'},
            bases=['Entity'],
        ),
    ]
