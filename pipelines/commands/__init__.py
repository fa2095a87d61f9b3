"""CLI subcommands beyond refresh/query/sources: each module defines `register(subparsers)`.

The registered function sets `func` on its parser; `func(args)` returns the exit status and
raises `pipelines.cli.UsageError` for bad usage or AifootprintError for failures.
"""
