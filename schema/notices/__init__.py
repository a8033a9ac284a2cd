"""Notices (通知公告) in GraphQL."""
