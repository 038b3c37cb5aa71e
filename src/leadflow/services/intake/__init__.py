"""Lead entry on every path: the one input, creation, batches and the set-based writes imports
share, duplicates, merges, idempotent writes, touches, the public form and its quarantine,
research."""
