from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.bookings import BookingStatus, ResourceKind
from models.calendar import EventStatus, Response
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
BOOKING_PERMISSIONS = ["bookings.manage"]


async def grant_bookings_to_admins(apps, schema_editor):
    """Administrator roles of existing tenants hold every permission: add the new one."""
    Role = apps.get_model("officecloud", "Role")
    for role in await Role.filter(is_system=True, code__in=["tenant_admin", "platform_admin"]):
        missing = [p for p in BOOKING_PERMISSIONS if p not in role.permissions]
        if missing:
            role.permissions = [*role.permissions, *missing]
            await role.save(update_fields=["permissions"])


async def no_overlapping_bookings(apps, schema_editor):
    """On PostgreSQL the database itself refuses two active bookings of one resource whose
    times overlap (half-open ranges: one may end when the next starts). SQLite has no
    exclusion constraints: the booking service checks under the database's write lock."""
    if schema_editor.client.capabilities.dialect != "postgres":
        return
    await schema_editor._run_sql("CREATE EXTENSION IF NOT EXISTS btree_gist")
    await schema_editor._run_sql(
        "ALTER TABLE booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist "
        "(resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status IN ('pending', 'confirmed'))"
    )


async def drop_no_overlap(apps, schema_editor):
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor._run_sql("ALTER TABLE booking DROP CONSTRAINT booking_no_overlap")


class Migration(migrations.Migration):
    dependencies = [('officecloud', '0014_circulation_notifications')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarEvent',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('officecloud.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('location', fields.CharField(default='', max_length=200)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('all_day', fields.BooleanField(default=False)),
                ('timezone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('rrule', fields.CharField(null=True, max_length=500)),
                ('last_ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('remind_minutes', fields.IntField(null=True)),
                ('status', fields.CharEnumField(default=EventStatus.ACTIVE, description='ACTIVE: active\nCANCELLED: cancelled', enum_type=EventStatus, max_length=16)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'calendar_event', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'owner_id', 'starts_at'])], 'pk_attr': 'id', 'table_description': "One event in the calendar of a user, or with `rrule` the first occurrence of a series."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='CalendarAttendee',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('officecloud.CalendarEvent', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('response', fields.CharEnumField(default=Response.NEEDS_ACTION, description='NEEDS_ACTION: needs_action\nACCEPTED: accepted\nDECLINED: declined\nTENTATIVE: tentative', enum_type=Response, max_length=16)),
                ('responded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_attendee', 'app': 'officecloud', 'unique_together': (('event', 'user'),), 'indexes': [Index(fields=['tenant_id', 'user_id'])], 'pk_attr': 'id', 'table_description': 'A user invited to an event, with her answer.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('officecloud.User', source_field='user_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=100)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_feed', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': "A subscription URL (iCalendar) of the calendar of a user, its secret kept as a hash."},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='CalendarReminder',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('officecloud.CalendarEvent', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('occurrence_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('fired_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'calendar_reminder', 'app': 'officecloud', 'unique_together': (('event', 'occurrence_at'),), 'pk_attr': 'id', 'table_description': 'The next reminder of an event: a durable timer claimed with FOR UPDATE SKIP LOCKED.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='CalendarShare',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('officecloud.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('delegate', fields.ForeignKeyField('officecloud.User', source_field='delegate_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('can_edit', fields.BooleanField(default=False)),
            ],
            options={'table': 'calendar_share', 'app': 'officecloud', 'unique_together': (('owner', 'delegate'),), 'pk_attr': 'id', 'table_description': '授权: the owner lets a delegate (a secretary) see, or also edit, her calendar.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Contact',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('officecloud.User', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('organisation', fields.CharField(default='', max_length=200)),
                ('title', fields.CharField(default='', max_length=100)),
                ('phone', fields.CharField(default='', max_length=50)),
                ('email', fields.CharField(default='', max_length=254)),
                ('remark', fields.CharField(default='', max_length=500)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'contact', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'owner_id', 'name'])], 'pk_attr': 'id', 'table_description': 'An address-book entry beside the directory: personal (owner set), or shared with the'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Note',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('officecloud.User', source_field='owner_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('text', fields.TextField(unique=False)),
                ('colour', fields.CharField(default='#FFF4B8', max_length=7)),
                ('pinned', fields.BooleanField(default=False)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'note', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'owner_id', 'updated_at'])], 'pk_attr': 'id', 'table_description': '便签: a personal sticky note.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Resource',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='MEETING_ROOM: meeting_room\nVEHICLE: vehicle\nEQUIPMENT: equipment', enum_type=ResourceKind, max_length=16)),
                ('name', fields.CharField(max_length=100)),
                ('location', fields.CharField(default='', max_length=200)),
                ('capacity', fields.IntField(null=True)),
                ('attributes', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('opening_hours', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('open_weekdays', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('timezone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('requires_approval', fields.BooleanField(default=False)),
                ('active', fields.BooleanField(default=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'bookable_resource', 'app': 'officecloud', 'unique_together': (('tenant', 'name'),), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Booking',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('resource', fields.ForeignKeyField('officecloud.Resource', source_field='resource_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('booker', fields.ForeignKeyField('officecloud.User', source_field='booker_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(description='PENDING: pending\nCONFIRMED: confirmed\nREJECTED: rejected\nCANCELLED: cancelled', enum_type=BookingStatus, max_length=16)),
                ('event', fields.ForeignKeyField('officecloud.CalendarEvent', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('decided_by_id', fields.UUIDField(null=True)),
                ('decision_note', fields.CharField(default='', max_length=500)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'booking', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'resource_id', 'starts_at']), Index(fields=['tenant_id', 'booker_id'])], 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.RunPython(grant_bookings_to_admins, ops.RunPython.noop),
        ops.RunPython(no_overlapping_bookings, drop_no_overlap),
    ]
