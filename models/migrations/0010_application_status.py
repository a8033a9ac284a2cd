from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0009_task_vocabulary')]

    initial = False

    operations = [
        ops.AddField(
            model_name='TenantApplication',
            name='status_secret_hash',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
    ]
