"""The `intake` command line: an entry point on top of every stage, handed the pipeline by composition."""
