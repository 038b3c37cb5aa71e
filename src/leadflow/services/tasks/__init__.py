"""Activities and tasks on leads, and reminders of tasks due."""
