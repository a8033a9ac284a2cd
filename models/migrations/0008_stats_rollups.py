from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0007_stats')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DocumentDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('type_code', fields.CharField(max_length=64)),
                ('type_name', fields.CharField(max_length=100)),
                ('status', fields.CharField(max_length=16)),
                ('count', fields.IntField()),
            ],
            options={'table': 'stats_document_day', 'app': 'officecloud', 'indexes': [Index(fields=['day'])], 'pk_attr': 'id', 'table_description': 'Rollup for the platform-wide view: documents created per day (in the rollup time zone),'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DurationDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField()),
                ('kind', fields.CharField(max_length=8)),
                ('flow_key', fields.CharField(max_length=64)),
                ('flow_name', fields.CharField(max_length=200)),
                ('node_id', fields.CharField(default='', max_length=100)),
                ('node_name', fields.CharField(default='', max_length=200)),
                ('bucket', fields.IntField()),
                ('count', fields.IntField()),
                ('seconds', fields.FloatField()),
            ],
            options={'table': 'stats_duration_day', 'app': 'officecloud', 'indexes': [Index(fields=['kind', 'day'])], 'pk_attr': 'id', 'table_description': 'Rollup for the platform-wide view: how long tasks (kind `node`) or whole flows (`flow`)'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RollupState',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('time_zone', fields.CharField(max_length=64)),
                ('built_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'stats_rollup_state', 'app': 'officecloud', 'pk_attr': 'name', 'table_description': 'When the rollups were last rebuilt, and for which time zone.'},
            bases=['Model'],
        ),
    ]
