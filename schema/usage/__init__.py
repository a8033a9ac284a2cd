"""Tenant resources (资源监控管理与调配): usage, service packages, quotas and allocation."""
