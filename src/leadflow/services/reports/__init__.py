"""Reports and the dashboard from the stage log, periods in the workspace's time zone, and the
lead export."""
