from tortoise import migrations
from tortoise.migrations import operations as ops
from workflow.vocabulary import TaskOutcome, TaskStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0008_stats_rollups')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Task',
            name='outcome',
            field=fields.CharEnumField(null=True, description='APPROVE: approve\nREJECT: reject\nRETURN: return', enum_type=TaskOutcome, max_length=16),
        ),
        ops.AlterField(
            model_name='Task',
            name='status',
            field=fields.CharEnumField(default=TaskStatus.OPEN, description='OPEN: open\nCOMPLETED: completed\nCANCELLED: cancelled\nDELEGATED: delegated\nTRANSFERRED: transferred\nESCALATED: escalated\nSUSPENDED: suspended', enum_type=TaskStatus, max_length=16),
        ),
    ]
