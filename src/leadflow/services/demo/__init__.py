"""The demo: two believable German client workspaces."""
