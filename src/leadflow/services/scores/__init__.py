"""Fit and engagement scores, their settings, the full rescore and the automatic MQL."""
