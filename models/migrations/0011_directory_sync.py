from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields


async def rename_case_duplicates(apps, schema_editor):
    """Usernames become unique ignoring case. Where a tenant already has names that differ only
    in case, the oldest keeps its name and each later one becomes `<name>-<8 hex of its id>`
    (usernames are not sign-in names: SSO matches the subject), so the index can be built."""
    User = apps.get_model("officecloud", "User")
    seen = set()
    taken = {(t, n.lower()) for t, n in await User.all().values_list("tenant_id", "username")}
    for user_id, tenant_id, name in await User.all().order_by("id").values_list(
        "id", "tenant_id", "username"
    ):
        key = (tenant_id, name.lower())
        if key not in seen:
            seen.add(key)
            continue
        renamed = f"{name[:55]}-{user_id.hex[-8:]}"
        while (tenant_id, renamed.lower()) in taken:
            renamed = f"{renamed[:55]}-{user_id.hex[-8:]}"[:64]
        taken.add((tenant_id, renamed.lower()))
        await User.filter(id=user_id).update(username=renamed)


class Migration(migrations.Migration):
    dependencies = [('officecloud', '0010_application_status')]

    initial = False

    operations = [
        ops.AddField(
            model_name='OrgUnit',
            name='archived_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='deleted_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='User',
            name='emails',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='User',
            name='family_name',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='User',
            name='given_name',
            field=fields.CharField(null=True, max_length=100),
        ),
        ops.AddField(
            model_name='User',
            name='phones',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='User',
            name='portal_roles',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AlterModelOptions(
            name='UserRevocation',
            options={'table': 'portal_user_revocation', 'app': 'officecloud', 'pk_attr': 'id', 'table_description': 'Tokens of this user issued at or before `not_before` are refused (back-channel logout).'},
        ),
        ops.RunPython(rename_case_duplicates, ops.RunPython.noop),
        ops.RunSQL(
            "CREATE UNIQUE INDEX app_user_tenant_lower_username ON app_user (tenant_id, lower(username))",
            "DROP INDEX app_user_tenant_lower_username",
        ),
    ]
