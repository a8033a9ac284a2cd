"""deleteNote."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import node_key
from schema.calendar.payloads import NotePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import notes


@strawberry.input(description="The note to delete.")
class DeleteNoteInput:
    id: relay.GlobalID = strawberry.field(description="The note.")

    def to_command(self) -> Command[m.Note]:
        return command(notes.delete_note, id=node_key(self.id, "Note"))


@strawberry.mutation(description="Delete one of your notes.")
async def delete_note(info: Info, input: Input[DeleteNoteInput]) -> NotePayload:
    return NotePayload.of(await perform(info, input.to_command()))
