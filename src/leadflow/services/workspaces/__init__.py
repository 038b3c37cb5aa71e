"""Workspaces, users, sign-in, API tokens, campaigns, custom fields, source spellings, the audit
log and offboarding."""
