"""File imports: the pipeline, its chunks and effects, uploads run in a child process, recovery of
imports that did not end, and their reports."""
