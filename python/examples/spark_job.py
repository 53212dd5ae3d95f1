"""ltp over a JSONL corpus with PySpark (README, "Large corpora"): each
partition goes through ltp.spark.encode_partition, which loads the model once
per Python worker and runs it with spark.task.cpus threads. The output folder
holds Spark's part files, in input order, one record per input line.

    PYSPARK_PYTHON=$(command -v python) python python/examples/spark_job.py \\
        -m models/default -o results corpus/part-*.jsonl
"""
import argparse
import functools
import os

from pyspark.sql import SparkSession

from ltp.spark import encode_partition


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="JSONL files: an id, \"text\", optionally \"text_pair\" per line")
    parser.add_argument("-o", "--output", required=True, help="output folder (must not exist)")
    parser.add_argument("-m", "--model", required=True, help="model folder, at the same path on every executor")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--trace", action="store_true", help="add tokens kept per layer and FLOPs")
    args = parser.parse_args()

    spark = SparkSession.builder.appName("ltp").getOrCreate()
    threads = int(spark.conf.get("spark.task.cpus", "1"))
    encode = functools.partial(encode_partition, model_dir=os.path.abspath(args.model),
                               model_options={"threads": threads}, batch_size=args.batch_size, trace=args.trace)
    spark.sparkContext.textFile(",".join(args.inputs)).mapPartitions(encode).saveAsTextFile(args.output)
    spark.stop()


if __name__ == "__main__":
    main()
