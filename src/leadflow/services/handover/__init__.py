"""The hand-over from marketing to sales: routing, the SLA clock, its settings, overdue checks and
compliance."""
