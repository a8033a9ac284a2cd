from tortoise import migrations
from tortoise.migrations import operations as ops
from models.notifications import NotificationKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('officecloud', '0018_notices_publications_search')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='TASK_ASSIGNED: task_assigned\nTASK_HANDED_OVER: task_handed_over\nTASK_URGED: task_urged\nTASK_REMINDER: task_reminder\nTASK_OVERDUE: task_overdue\nCIRCULATION_RECEIVED: circulation_received\nCIRCULATION_URGED: circulation_urged\nDISPATCH_SIGNED: dispatch_signed\nDISPATCH_RETURNED: dispatch_returned\nINCOMING_ARRIVED: incoming_arrived\nTENANT_APPLICATION_DECIDED: tenant_application_decided\nSERVICE_APPLICATION_DECIDED: service_application_decided\nMENTIONED: mentioned\nMEETING_INVITED: meeting_invited\nMEETING_RESPONDED: meeting_responded\nMEETING_REMINDER: meeting_reminder\nBOOKING_DECIDED: booking_decided\nQUOTA_WARNING: quota_warning\nPACKAGE_EXPIRING: package_expiring\nNOTICE_REMINDER: notice_reminder', enum_type=NotificationKind, max_length=32),
        ),
    ]
