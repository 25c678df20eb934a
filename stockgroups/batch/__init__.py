"""Batch analysis on Apache Spark: the only package that imports pyspark (an optional extra)."""
