"""The notice mutations, in schema order."""

import strawberry

from schema.notices.mutations.create_notice import create_notice
from schema.notices.mutations.mark_notice_read import mark_notice_read
from schema.notices.mutations.publish_notice import publish_notice
from schema.notices.mutations.remind_notice_unread import remind_notice_unread
from schema.notices.mutations.revoke_notice import revoke_notice
from schema.notices.mutations.update_notice import update_notice
from schema.notices.mutations.upload_notice_attachment import upload_notice_attachment


@strawberry.type
class NoticeMutation:
    create_notice = create_notice
    update_notice = update_notice
    upload_notice_attachment = upload_notice_attachment
    publish_notice = publish_notice
    revoke_notice = revoke_notice
    mark_notice_read = mark_notice_read
    remind_notice_unread = remind_notice_unread
