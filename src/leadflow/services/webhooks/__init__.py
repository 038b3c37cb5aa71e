"""Events in the outbox, webhook subscriptions and their delivery."""
