from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.portal_components import ComponentCategory, HttpMethod, LayoutTemplate, ResourceKind, ServiceKind
from models.tenants import ApplicationStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0002_forms_flows_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PortalComponent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(max_length=64)),
                ('standard', fields.BooleanField(default=False, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('category', fields.CharEnumField(description='DOCUMENT_FLOW: document_flow\nPUBLIC_INFORMATION: public_information\nPUBLICATIONS: publications\nPERSONAL_ASSISTANCE: personal_assistance\nPUBLIC_AFFAIRS: public_affairs\nOTHER: other', enum_type=ComponentCategory, max_length=32)),
                ('latest_version', fields.CharField(max_length=64)),
            ],
            options={'table': 'portal_component', 'app': 'officecloud', 'unique_together': (('tenant', 'key'),), 'pk_attr': 'id', 'table_description': 'A component key with its versions, owned by a tenant or shared by the platform.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PortalComponentVersion',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('component', fields.ForeignKeyField('officecloud.PortalComponent', source_field='component_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.RESTRICT)),
                ('version', fields.CharField(max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('required_permission', fields.CharField(null=True, max_length=64)),
                ('manifest', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'portal_component_version', 'app': 'officecloud', 'unique_together': (('component', 'version'),), 'pk_attr': 'id', 'table_description': 'One registered manifest version, never changed after registration.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PortalLayout',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('role', fields.ForeignKeyField('officecloud.Role', source_field='role_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('priority', fields.IntField(default=100)),
                ('template', fields.CharEnumField(description='ONE_COLUMN: one_column\nTWO_COLUMNS: two_columns\nTHREE_COLUMNS: three_columns', enum_type=LayoutTemplate, max_length=16)),
                ('placements', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'portal_layout', 'app': 'officecloud', 'unique_together': (('tenant', 'role'), ('tenant', 'user')), 'pk_attr': 'id', 'table_description': "A role's default layout or a user's personal layout (exactly one of role and user)."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PortalLayoutVersion',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('template', fields.CharEnumField(description='ONE_COLUMN: one_column\nTWO_COLUMNS: two_columns\nTHREE_COLUMNS: three_columns', enum_type=LayoutTemplate, max_length=16)),
                ('placements', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('published_by_id', fields.UUIDField(null=True)),
                ('published_by_name', fields.CharField(default='', max_length=100)),
                ('restored_from', fields.IntField(null=True)),
            ],
            options={'table': 'portal_layout_version', 'app': 'officecloud', 'unique_together': (('tenant', 'number'),), 'pk_attr': 'id', 'table_description': 'A published tenant layout, never changed: a rollback publishes a copy as a new number.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PortalResource',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('key', fields.CharField(max_length=64)),
                ('standard', fields.BooleanField(default=False, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(description='FEED: feed\nDATA: data\nPROCESS: process\nAPPLICATION: application\nFUNCTION: function\nPAGE: page', enum_type=ResourceKind, max_length=16)),
                ('endpoint_url', fields.CharField(max_length=2000)),
                ('method', fields.CharEnumField(default=HttpMethod.GET, description='GET: GET\nHEAD: HEAD\nPOST: POST', enum_type=HttpMethod, max_length=8)),
                ('interface', fields.TextField(default='', unique=False)),
                ('help', fields.TextField(default='', unique=False)),
                ('example', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('last_check', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'portal_resource', 'app': 'officecloud', 'unique_together': (('tenant', 'key'),), 'pk_attr': 'id', 'table_description': 'An external resource (feed, data endpoint, process, application, function or page).'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PortalTheme',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('primary_color', fields.CharField(max_length=9)),
                ('accent_color', fields.CharField(max_length=9)),
                ('background_color', fields.CharField(max_length=9)),
                ('text_color', fields.CharField(max_length=9)),
                ('logo_url', fields.CharField(null=True, max_length=2000)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'portal_theme', 'app': 'officecloud', 'unique_together': (('tenant',),), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='ServiceApplication',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='COMPONENT: component\nRESOURCE: resource', enum_type=ServiceKind, max_length=16)),
                ('component', fields.ForeignKeyField('officecloud.PortalComponent', source_field='component_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('resource', fields.ForeignKeyField('officecloud.PortalResource', source_field='resource_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=ApplicationStatus.PENDING, db_index=True, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=ApplicationStatus, max_length=16)),
                ('slot', fields.CharField(null=True, max_length=80)),
                ('note', fields.TextField(default='', unique=False)),
                ('applicant_name', fields.CharField(default='', max_length=100)),
                ('applicant', fields.ForeignKeyField('officecloud.User', source_field='applicant_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewer', fields.ForeignKeyField('officecloud.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('reviewer_name', fields.CharField(default='', max_length=100)),
                ('reason', fields.TextField(null=True, unique=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'portal_service_application', 'app': 'officecloud', 'unique_together': (('tenant', 'slot'),), 'pk_attr': 'id', 'table_description': "A tenant's application (按需申请) for a shared component or resource."},
            bases=['TenantEntity'],
        ),
    ]
