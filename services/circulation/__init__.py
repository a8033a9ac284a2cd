"""Circulation (传阅 / 抄送): the names the other layers use. A flow node's `cc` rules are
fired by the document runtime through the same primitive (`services/documents/copies.py`)."""

from services.circulation.audience import Audience
from services.circulation.reading import mark_read, urge
from services.circulation.sending import circulate, pass_on

__all__ = ["Audience", "circulate", "mark_read", "pass_on", "urge"]
