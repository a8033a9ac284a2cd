"""createNote / updateNote / deleteNote: 便签."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import calendar as m
from resolvers.ids import keep, node_key
from schema.calendar.payloads import NotePayload
from schema.mutations import Command, command, perform
from schema.types import Info
from services.calendar import notes


@strawberry.input(description="A new note.")
class CreateNoteInput:
    text: str = strawberry.field(description="The note (at most 4000 characters).")
    colour: str | None = strawberry.field(default=None, description="#RRGGBB; default #FFF4B8.")
    pinned: bool = strawberry.field(default=False, description="Keep it on top.")

    def to_command(self) -> Command[m.Note]:
        return command(notes.create_note, text=self.text, colour=self.colour, pinned=self.pinned)


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


@strawberry.input(description="The note to delete.")
class DeleteNoteInput:
    id: relay.GlobalID = strawberry.field(description="The note.")

    def to_command(self) -> Command[m.Note]:
        return command(notes.delete_note, id=node_key(self.id, "Note"))


@strawberry.mutation(description="Write a note (便签), seen by you alone.")
async def create_note(info: Info, input: CreateNoteInput) -> NotePayload:
    return NotePayload.of(await perform(info, input.to_command()))


@strawberry.mutation(description="Change one of your notes.")
async def update_note(info: Info, input: UpdateNoteInput) -> NotePayload:
    return NotePayload.of(await perform(info, input.to_command()))


@strawberry.mutation(description="Delete one of your notes.")
async def delete_note(info: Info, input: DeleteNoteInput) -> NotePayload:
    return NotePayload.of(await perform(info, input.to_command()))
