#!/usr/bin/env python3
"""Runs `qingdan check` as one Spark job: one task per shard, the partial results collected on
the driver, `qingdan merge` there (issue 20).

    spark-submit deploy/spark/qingdan_spark.py --qingdan target/release/qingdan --shards 8 \
        --format html -o report.html -- DATASET --standard STD

The binary is shipped to the executors (SparkContext.addFile); the dataset and the standard
must be readable at the same path on every executor (a shared mount, or local mode). Each task
runs `qingdan check ARGS --shard K/N -o PART` and returns the partial's bytes; the driver
writes them to a temporary folder and merges them, so the report is the single run's, byte for
byte. Options after --format/-o given to merge: --baseline, --write-baseline, --exceptions,
--fail-on (pass them with --merge-arg). The exit code is merge's (0, 1 for findings, 2 for an
error).
"""

import argparse
import os
import stat
import subprocess
import sys
import tempfile


def run_shard(k, n, binary_name, check_args):
    """One task: shard k of n, its partial result as bytes (runs on an executor)."""
    from pyspark import SparkFiles

    binary = SparkFiles.get(binary_name)
    mode = os.stat(binary).st_mode
    os.chmod(binary, mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    with tempfile.TemporaryDirectory() as tmp:
        part = os.path.join(tmp, "part.json")
        cmd = [binary, "-q", "check", *check_args, "--shard", f"{k}/{n}", "-o", part]
        done = subprocess.run(cmd, capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(
                f"shard {k}/{n}: exit {done.returncode}: {done.stderr.decode('utf-8', 'replace')}"
            )
        with open(part, "rb") as f:
            return (k, f.read())


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" in argv:
        i = argv.index("--")
        own, check_args = argv[:i], argv[i + 1 :]
    else:
        own, check_args = argv, []
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--qingdan", required=True, help="the qingdan binary to ship to the executors")
    p.add_argument("--shards", type=int, required=True, help="N: one Spark task per shard")
    p.add_argument("--format", help="the report's format (default: from -o)")
    p.add_argument("-o", "--output", required=True, help="the report")
    p.add_argument("--merge-arg", action="append", default=[], help="one more argument to merge")
    p.add_argument("--master", default=None, help="Spark master (default: spark-submit's, else local[*])")
    p.add_argument("--keep-partials", help="keep the partial results in this folder")
    a = p.parse_args(own)
    if a.shards < 1:
        p.error("--shards must be at least 1")
    if not check_args:
        p.error("give the check's arguments after --: DATASET [--standard STD] ...")

    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setAppName("qingdan check")
    if a.master or not conf.contains("spark.master"):
        conf.setMaster(a.master or "local[*]")
    sc = SparkContext.getOrCreate(conf)
    sc.setLogLevel("WARN")
    binary = os.path.abspath(a.qingdan)
    sc.addFile(binary)
    name = os.path.basename(binary)
    n = a.shards
    # Paths of the check's arguments as the executors see them: absolute.
    args = [os.path.abspath(x) if os.path.exists(x) else x for x in check_args]
    parts = (
        sc.parallelize(range(n), n)
        .map(lambda k: run_shard(k, n, name, args))
        .collect()
    )
    sc.stop()
    folder = a.keep_partials or tempfile.mkdtemp(prefix="qingdan-partials-")
    os.makedirs(folder, exist_ok=True)
    files = []
    for k, data in sorted(parts):
        path = os.path.join(folder, f"part-{k:05d}-of-{n:05d}.json")
        with open(path, "wb") as f:
            f.write(data)
        files.append(path)
    cmd = [binary, "merge", *files, "-o", a.output, *a.merge_arg]
    if a.format:
        cmd += ["--format", a.format]
    code = subprocess.run(cmd).returncode
    if not a.keep_partials:
        for f in files:
            os.remove(f)
        os.rmdir(folder)
    return code


if __name__ == "__main__":
    sys.exit(main())
