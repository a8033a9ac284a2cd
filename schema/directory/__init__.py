"""The directory (组织机构, 用户, 角色): org units as a tree, users, roles and role assignments."""
