"""Thin Dagster wrappers: fetch through a resource, call the pure core, write through a resource, report."""
