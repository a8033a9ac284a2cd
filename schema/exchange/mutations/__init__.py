"""Exchange mutations, one module each: the input, its service command and the field."""

from __future__ import annotations

import strawberry

from schema.exchange.mutations.add_exchange_partner import add_exchange_partner
from schema.exchange.mutations.dispatch_document import dispatch_document
from schema.exchange.mutations.remove_exchange_partner import remove_exchange_partner
from schema.exchange.mutations.return_incoming_item import return_incoming_item
from schema.exchange.mutations.sign_incoming_item import sign_incoming_item


@strawberry.type
class ExchangeMutation:
    add_exchange_partner = add_exchange_partner
    remove_exchange_partner = remove_exchange_partner
    dispatch_document = dispatch_document
    sign_incoming_item = sign_incoming_item
    return_incoming_item = return_incoming_item
