from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from models.notices import NoticePriority, NoticeStatus, TargetKind
from models.publications import ArticleStatus, IssueStatus, PublicationKind
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

POSTGRES_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE search_entry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED",
    "CREATE INDEX search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX search_entry_terms_trgm ON search_entry USING gin (terms gin_trgm_ops)",
    "CREATE INDEX search_entry_subject ON search_entry (tenant_id, subject_id)",
]


async def search_indexes(apps, schema_editor):
    """Full-text (a tsvector over the segmented words, 'simple' configuration) and trigram
    indexes, on PostgreSQL only; the embedded database searches the same words with LIKE."""
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        await client.execute_script(
            "CREATE INDEX search_entry_subject ON search_entry (tenant_id, subject_id)"
        )
        return
    for statement in POSTGRES_SEARCH:
        await client.execute_script(statement)


async def drop_search_indexes(apps, schema_editor):
    await schema_editor.client.execute_script("DROP INDEX IF EXISTS search_entry_subject")


class Migration(migrations.Migration):
    dependencies = [('officecloud', '0017_trusted_documents')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=300)),
                ('body', fields.TextField(default='', unique=False)),
                ('category', fields.CharField(default='', max_length=64)),
                ('priority', fields.CharEnumField(default=NoticePriority.NORMAL, description='NORMAL: normal\nIMPORTANT: important\nURGENT: urgent', enum_type=NoticePriority, max_length=16)),
                ('pinned', fields.BooleanField(default=False)),
                ('valid_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=NoticeStatus.DRAFT, description='DRAFT: draft\nPENDING: pending\nPUBLISHED: published\nREJECTED: rejected\nREVOKED: revoked', enum_type=NoticeStatus, max_length=16)),
                ('to_everyone', fields.BooleanField(default=False)),
                ('to_subtenants', fields.BooleanField(default=False)),
                ('author_id', fields.UUIDField(null=True)),
                ('org_unit_id', fields.UUIDField(null=True)),
                ('publisher', fields.CharField(default='', max_length=200)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approval_document_id', fields.UUIDField(null=True, db_index=True)),
                ('source_tenant_id', fields.UUIDField(null=True)),
                ('source_notice_id', fields.UUIDField(null=True, db_index=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'notice', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'status', 'pinned', 'published_at'])], 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='NoticeAttachment',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('notice', fields.ForeignKeyField('officecloud.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=255)),
                ('content_type', fields.CharField(max_length=100)),
                ('size', fields.BigIntField()),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('uploaded_by_id', fields.UUIDField(null=True)),
            ],
            options={'table': 'notice_attachment', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'A file of a notice, whose bytes the blob store keeps under their sha256.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='NoticeRead',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('notice', fields.ForeignKeyField('officecloud.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='reads', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.UUIDField()),
            ],
            options={'table': 'notice_read', 'app': 'officecloud', 'unique_together': (('notice', 'user_id'),), 'pk_attr': 'id', 'table_description': 'A read receipt: `user_id` opened the notice.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='NoticeTarget',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('notice', fields.ForeignKeyField('officecloud.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='targets', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='UNIT: unit\nROLE: role', enum_type=TargetKind, max_length=8)),
                ('target_id', fields.UUIDField()),
            ],
            options={'table': 'notice_target', 'app': 'officecloud', 'unique_together': (('notice', 'kind', 'target_id'),), 'indexes': [Index(fields=['tenant_id', 'target_id'])], 'pk_attr': 'id', 'table_description': 'A unit (and the units below it) or a role the notice is published to.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Publication',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('kind', fields.CharEnumField(default=PublicationKind.JOURNAL, description='JOURNAL: journal\nBULLETIN: bulletin\nBRIEFING: briefing\nNEWSLETTER: newsletter', enum_type=PublicationKind, max_length=16)),
                ('description', fields.TextField(default='', unique=False)),
                ('approval_document_type_id', fields.UUIDField(null=True)),
                ('unit_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('role_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('to_everyone', fields.BooleanField(default=True)),
                ('source_tenant_id', fields.UUIDField(null=True)),
                ('source_publication_id', fields.UUIDField(null=True, db_index=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'publication', 'app': 'officecloud', 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='IssueSequence',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('publication', fields.ForeignKeyField('officecloud.Publication', source_field='publication_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('year', fields.IntField()),
                ('last_seq', fields.IntField(default=0)),
            ],
            options={'table': 'issue_sequence', 'app': 'officecloud', 'unique_together': (('publication', 'year'),), 'pk_attr': 'id', 'table_description': 'The last issue number handed out per publication and year, locked to allocate.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PublicationIssue',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('publication', fields.ForeignKeyField('officecloud.Publication', source_field='publication_id', db_constraint=True, to_field='id', related_name='issues', on_delete=OnDelete.CASCADE)),
                ('theme', fields.CharField(default='', max_length=300)),
                ('year', fields.IntField(null=True)),
                ('number', fields.IntField(null=True)),
                ('status', fields.CharEnumField(default=IssueStatus.DRAFT, description='DRAFT: draft\nPENDING: pending\nPUBLISHED: published\nREJECTED: rejected', enum_type=IssueStatus, max_length=16)),
                ('editor_id', fields.UUIDField(null=True)),
                ('approval_document_id', fields.UUIDField(null=True, db_index=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('source_tenant_id', fields.UUIDField(null=True)),
                ('source_issue_id', fields.UUIDField(null=True)),
                ('version', fields.IntField(default=1)),
            ],
            options={'table': 'publication_issue', 'app': 'officecloud', 'unique_together': (('publication', 'year', 'number'),), 'indexes': [Index(fields=['tenant_id', 'status', 'published_at'])], 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='Article',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('publication', fields.ForeignKeyField('officecloud.Publication', source_field='publication_id', db_constraint=True, to_field='id', related_name='articles', on_delete=OnDelete.CASCADE)),
                ('issue', fields.ForeignKeyField('officecloud.PublicationIssue', source_field='issue_id', null=True, db_constraint=True, to_field='id', related_name='articles', on_delete=OnDelete.SET_NULL)),
                ('title', fields.CharField(max_length=300)),
                ('body', fields.TextField(default='', unique=False)),
                ('author_id', fields.UUIDField(null=True)),
                ('org_unit_id', fields.UUIDField(null=True)),
                ('unit_name', fields.CharField(default='', max_length=200)),
                ('status', fields.CharEnumField(default=ArticleStatus.SUBMITTED, description='SUBMITTED: submitted\nSELECTED: selected\nADOPTED: adopted\nDECLINED: declined', enum_type=ArticleStatus, max_length=16)),
                ('position', fields.IntField(default=0)),
                ('adopted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'article', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'publication_id', 'org_unit_id'])], 'pk_attr': 'id', 'table_description': '稿件: contributed by a unit, adopted (采用) once an issue carrying it is published.'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='PublicationSubscriber',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('publication', fields.ForeignKeyField('officecloud.Publication', source_field='publication_id', db_constraint=True, to_field='id', related_name='subscribers', on_delete=OnDelete.CASCADE)),
                ('subscriber_tenant_id', fields.UUIDField()),
            ],
            options={'table': 'publication_subscriber', 'app': 'officecloud', 'unique_together': (('publication', 'subscriber_tenant_id'),), 'pk_attr': 'id', 'table_description': 'Another tenant that receives every issue of the publication (kept by the publisher).'},
            bases=['TenantEntity'],
        ),
        ops.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('tenant', fields.ForeignKeyField('officecloud.Tenant', source_field='tenant_id', db_index=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=16)),
                ('subject_id', fields.UUIDField()),
                ('field', fields.CharField(default='', max_length=200)),
                ('title', fields.CharField(default='', max_length=300)),
                ('content', fields.TextField(default='', unique=False)),
                ('terms', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'search_entry', 'app': 'officecloud', 'unique_together': (('tenant_id', 'kind', 'subject_id', 'field'),), 'pk_attr': 'id'},
            bases=['TenantEntity'],
        ),
        ops.RunPython(search_indexes, drop_search_indexes),
    ]
