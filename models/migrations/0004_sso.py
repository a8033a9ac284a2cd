from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.sso import AccessEventKind, AccessSubject
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0003_portal_components')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='SIGN_IN: sign_in\nSIGN_IN_FAILED: sign_in_failed\nSIGN_OUT: sign_out', enum_type=AccessEventKind, max_length=16)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('subject', fields.CharField(null=True, max_length=255)),
                ('method', fields.CharField(max_length=16)),
                ('reason', fields.CharField(null=True, max_length=300)),
                ('client_id', fields.CharField(null=True, max_length=255)),
                ('token_ref', fields.CharField(null=True, unique=True, max_length=64)),
                ('ip', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'portal_access_event', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A sign-in, a failed sign-in (with the reason) or a sign-out.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='AccessRule',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('subject_type', fields.CharEnumField(description='USER: user\nORG_UNIT: org_unit\nROLE: role', enum_type=AccessSubject, max_length=16)),
                ('subject_id', fields.UUIDField()),
                ('components', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('note', fields.CharField(default='', max_length=200)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'portal_access_rule', 'app': 'officecloud', 'unique_together': (('tenant', 'subject_type', 'subject_id'),), 'pk_attr': 'id', 'table_description': 'Who may use Officecloud (门户访问授权): a user, an org unit and below, or a role.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='ComponentUsage',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('component', fields.CharField(max_length=64)),
                ('day', fields.DateField()),
                ('count', fields.IntField(default=0)),
                ('first_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_component_usage', 'app': 'officecloud', 'unique_together': (('user', 'component', 'day'),), 'indexes': [Index(fields=['tenant_id', 'day'])], 'pk_attr': 'id', 'table_description': 'How often a user used a service component on one day (upserted, one row a day).'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PendingLogin',
            fields=[
                ('state', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('code_verifier', fields.CharField(max_length=128)),
                ('nonce', fields.CharField(max_length=64)),
                ('return_to', fields.CharField(default='/', max_length=2000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_pending_login', 'app': 'officecloud', 'pk_attr': 'state', 'table_description': 'An authorization request on its way to the portal: state, PKCE verifier and nonce.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PortalSession',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('csrf_token', fields.CharField(max_length=64)),
                ('subject', fields.CharField(max_length=255)),
                ('sid', fields.CharField(null=True, db_index=True, max_length=255)),
                ('id_token', fields.TextField(null=True, unique=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'portal_session', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'A browser session opened by SSO sign-in, kept server-side so it can be revoked.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='ScimToken',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('prefix', fields.CharField(max_length=16)),
                ('created_by_id', fields.UUIDField(null=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_scim_token', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': "A bearer token of the portal's SCIM client, stored as its SHA-256 only."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='UsedTokenId',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=400)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_used_jti', 'app': 'officecloud', 'pk_attr': 'key', 'table_description': 'A `jti` already accepted (logout tokens), kept until the token could no longer be used.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UserRevocation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.OneToOneField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('not_before', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_user_revocation', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'Tokens of this user issued before `not_before` are refused (back-channel logout).'},
            bases=['TenantEntity'],
        ),
    ]
