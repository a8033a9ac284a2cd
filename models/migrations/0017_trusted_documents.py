from tortoise import migrations
from tortoise.migrations import operations as ops
from models.base import new_id
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0016_tenant_packages_usage')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TrustedDocument',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=new_id, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('hash', fields.CharField(unique=True, max_length=64)),
                ('document_id', fields.CharField(null=True, unique=True, max_length=200)),
                ('name', fields.CharField(null=True, max_length=200)),
                ('body', fields.TextField(unique=False)),
            ],
            options={'table': 'trusted_document', 'app': 'officecloud', 'pk_attr': 'id'},
            bases=['Entity'],
        ),
    ]
