"""The portal integration (单点登录): access rules (门户访问授权), SCIM tokens for directory
sync, access statistics (门户访问统计和审计), and the check that the viewer may use the service
component each root field belongs to (`access.py`)."""
