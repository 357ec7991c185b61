"""The Spark session Vigil's region-scale work runs on (KPI pack and linkage).

Local mode (`local[N]`) on one machine and in the tests; on a cluster,
VIGIL_SPARK_MASTER names the master (spark://host:7077, yarn, k8s://...) and
VIGIL_SPARK_DRIVER_MEMORY the driver's memory. See ADR 0009.

Settings that make Spark answer as DuckDB does: timestamps without a time zone
(the snapshot's times are local wall-clock times), no ANSI mode (a division by
zero is NULL, as in DuckDB), and the session time zone UTC so nothing is shifted.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile


def session(threads: int | None = None):
    """A Spark session: local mode with `threads` cores unless VIGIL_SPARK_MASTER is set."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master = os.environ.get("VIGIL_SPARK_MASTER") or f"local[{threads or '*'}]"
    builder = (SparkSession.builder.master(master).appName("vigil")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
               .config("spark.sql.ansi.enabled", "false")
               .config("spark.sql.shuffle.partitions", str(max(2, (threads or 2) * 2)))
               .config("spark.driver.memory", os.environ.get("VIGIL_SPARK_DRIVER_MEMORY", "2g"))
               # Splink's string-similarity functions (Jaro-Winkler and others) for linkage.
               .config("spark.jars", similarity_jar_location()))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # Splink breaks long query plans by checkpointing.
    checkpoints = tempfile.mkdtemp(prefix="vigil-spark-checkpoints-")
    atexit.register(shutil.rmtree, checkpoints, ignore_errors=True)
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark
