"""The CLI's usage error: printed without a traceback, exit code 2."""


class CliError(Exception):
    """A usage error (bad arguments, unknown id, a range outside the partitions): exit code 2."""
