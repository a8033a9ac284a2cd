from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0005_exchange')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='OutboxEvent',
            options={'table': 'outbox_event', 'app': 'officecloud', 'indexes': [Index(fields=['tenant_id', 'id'], name='outbox_event_tenant_id_id'), Index(fields=['created_at'], name='outbox_event_created_at')], 'pk_attr': 'id', 'table_description': 'One committed state change, kept for replay until the retention period ends.'},
        ),
        ops.AddIndex(
            model_name='OutboxEvent',
            index=Index(fields=['tenant_id', 'id'], name='outbox_event_tenant_id_id'),
        ),
        ops.AddIndex(
            model_name='OutboxEvent',
            index=Index(fields=['created_at'], name='outbox_event_created_at'),
        ),
    ]
