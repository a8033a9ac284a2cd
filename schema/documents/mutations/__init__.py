"""Document mutations, one module each: the input, its service command and the field."""

from __future__ import annotations

import strawberry

from schema.documents.mutations.add_signers import add_signers
from schema.documents.mutations.approve_task import approve_task
from schema.documents.mutations.archive_document import archive_document
from schema.documents.mutations.claim_task import claim_task
from schema.documents.mutations.create_delegation_rule import create_delegation_rule
from schema.documents.mutations.create_document import create_document
from schema.documents.mutations.create_document_template import create_document_template
from schema.documents.mutations.create_document_type import create_document_type
from schema.documents.mutations.delegate_task import delegate_task
from schema.documents.mutations.delete_delegation_rule import delete_delegation_rule
from schema.documents.mutations.install_template import install_template
from schema.documents.mutations.jump_document import jump_document
from schema.documents.mutations.open_task import open_task
from schema.documents.mutations.reject_task import reject_task
from schema.documents.mutations.remove_signers import remove_signers
from schema.documents.mutations.return_task import return_task
from schema.documents.mutations.submit_document import submit_document
from schema.documents.mutations.take_back_task import take_back_task
from schema.documents.mutations.terminate_document import terminate_document
from schema.documents.mutations.transfer_task import transfer_task
from schema.documents.mutations.unclaim_task import unclaim_task
from schema.documents.mutations.update_delegation_rule import update_delegation_rule
from schema.documents.mutations.update_document import update_document
from schema.documents.mutations.update_document_type import update_document_type
from schema.documents.mutations.upload_attachment import upload_attachment
from schema.documents.mutations.urge_document import urge_document
from schema.documents.mutations.void_document_number import void_document_number
from schema.documents.mutations.withdraw_document import withdraw_document


@strawberry.type
class DocumentMutation:
    install_template = install_template
    create_document_type = create_document_type
    update_document_type = update_document_type
    create_document_template = create_document_template
    create_document = create_document
    update_document = update_document
    submit_document = submit_document
    archive_document = archive_document
    void_document_number = void_document_number
    upload_attachment = upload_attachment
    approve_task = approve_task
    reject_task = reject_task
    return_task = return_task
    delegate_task = delegate_task
    transfer_task = transfer_task
    claim_task = claim_task
    unclaim_task = unclaim_task
    add_signers = add_signers
    open_task = open_task
    take_back_task = take_back_task
    withdraw_document = withdraw_document
    urge_document = urge_document
    remove_signers = remove_signers
    jump_document = jump_document
    terminate_document = terminate_document
    create_delegation_rule = create_delegation_rule
    update_delegation_rule = update_delegation_rule
    delete_delegation_rule = delete_delegation_rule
