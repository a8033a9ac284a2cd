"""Tortoise ORM models, one module per domain; migrations live in `models/migrations/`."""
