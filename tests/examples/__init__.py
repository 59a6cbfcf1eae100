"""The examples/ scripts, run against the library's fake Cloud API."""
