"""A lead's way through the funnel: the workspace's rules, moves, what follows each move, and
overdue hand-overs escalated or recycled."""
