"""drain3 beside Aftershock's template miner, for `npm run bench:problems` (bench/problems/drain3.ts).

    python drain3_bench.py mine FILE   mines every line of FILE with drain3's TemplateMiner and
                                       prints {"lines", "seconds", "cpu", "clusters"} as JSON
                                       (reading the file is not timed)
    python drain3_bench.py cli FILE    the same as a command line tool: reads FILE, mines each line
                                       and prints "<cluster id>  <template>" per line to stdout

drain3 runs untuned: its default configuration, no masking instructions.
"""
import json
import sys
import time

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig


def miner():
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    return TemplateMiner(config=config)


def mine(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    m = miner()
    start = time.perf_counter()
    cpu = time.process_time()
    for line in lines:
        m.add_log_message(line)
    cpu = time.process_time() - cpu
    seconds = time.perf_counter() - start
    print(json.dumps({"lines": len(lines), "seconds": seconds, "cpu": cpu, "clusters": len(m.drain.clusters)}))


def cli(path):
    m = miner()
    out = sys.stdout
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            r = m.add_log_message(line.rstrip("\n"))
            out.write(f"{r['cluster_id']}  {r['template_mined']}\n")


if __name__ == "__main__":
    {"mine": mine, "cli": cli}[sys.argv[1]](sys.argv[2])
