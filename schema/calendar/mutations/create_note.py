"""createNote: a 便签."""

from __future__ import annotations

import strawberry

from models import calendar as m
from schema.calendar.payloads import NotePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import notes


@strawberry.input(description="A new note.")
class CreateNoteInput:
    text: str = strawberry.field(description="The note (at most 4000 characters).")
    colour: str | None = strawberry.field(default=None, description="#RRGGBB; default #FFF4B8.")
    pinned: bool = strawberry.field(default=False, description="Keep it on top.")

    def to_command(self) -> Command[m.Note]:
        return command(notes.create_note, text=self.text, colour=self.colour, pinned=self.pinned)


@strawberry.mutation(description="Write a note (便签), seen by you alone.")
async def create_note(info: Info, input: Input[CreateNoteInput]) -> NotePayload:
    return NotePayload.of(await perform(info, input.to_command()))
