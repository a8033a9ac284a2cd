"""Portal integration (门户): browser sessions and their revocation (`sessions`), the access log
of sign-ins and component use (`access_log`), portal access rules (`access_rules`, 门户访问授权),
SCIM tokens (`scim_tokens`), and applying a directory pull (`pull`, 组织机构、用户同步), which
only `sync/pull.py` calls."""

from services.sso.access_log import UsageRecorder, record_failed_sign_in, record_sign_in, usage
from services.sso.access_rules import create_access_rule, delete_access_rule, update_access_rule
from services.sso.scim_tokens import (
    create_scim_token,
    revoke_scim_token,
    rotate_scim_token,
    scim_tenant,
)
from services.sso.sessions import (
    OpenedSession,
    ReplayedToken,
    begin_login,
    end_session,
    finish_login,
    logout_from_portal,
    open_session,
)

__all__ = [
    "OpenedSession",
    "ReplayedToken",
    "UsageRecorder",
    "begin_login",
    "create_access_rule",
    "create_scim_token",
    "delete_access_rule",
    "end_session",
    "finish_login",
    "logout_from_portal",
    "open_session",
    "record_failed_sign_in",
    "record_sign_in",
    "revoke_scim_token",
    "rotate_scim_token",
    "scim_tenant",
    "update_access_rule",
    "usage",
]
