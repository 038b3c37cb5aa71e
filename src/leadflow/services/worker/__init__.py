"""Background work: the durable job queue and the worker process's rounds."""
