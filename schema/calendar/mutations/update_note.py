"""updateNote: fields not sent stay."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import keep, node_key
from schema.calendar.payloads import NotePayload
from schema.mutations import Command, Input, command, perform
from schema.types import Info
from services.calendar import notes


@strawberry.input(description="Changes to a note; fields not sent stay.")
class UpdateNoteInput:
    id: relay.GlobalID = strawberry.field(description="The note.")
    text: str | None = strawberry.field(default=strawberry.UNSET, description="New text.")
    colour: str | None = strawberry.field(
        default=strawberry.UNSET, description="New colour, #RRGGBB."
    )
    pinned: bool | None = strawberry.field(default=strawberry.UNSET, description="Keep it on top.")
    expected_version: int | None = strawberry.field(
        default=None, description="The version you read; CONFLICT if it changed."
    )

    def to_command(self) -> Command[m.Note]:
        return command(
            notes.update_note,
            id=node_key(self.id, "Note"),
            text=keep(self.text),
            colour=keep(self.colour),
            pinned=keep(self.pinned),
            expected_version=self.expected_version,
        )


@strawberry.mutation(description="Change one of your notes.")
async def update_note(info: Info, input: Input[UpdateNoteInput]) -> NotePayload:
    return NotePayload.of(await perform(info, input.to_command()))
