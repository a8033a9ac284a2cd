"""Tenants (租户): registration (在线注册), review, and hierarchical administration (分级管理)."""
