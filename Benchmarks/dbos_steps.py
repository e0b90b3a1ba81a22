"""Durable no-op steps per second through DBOS (Python, SQLite system database).

Usage: python3 Benchmarks/dbos_steps.py WORKFLOWS STEPS_PER_WORKFLOW DATABASE_PATH
Prints one line: steps per second over the whole loop (workflow starts included).
Run by executor-bench beside the costsim executor; DBOS uses SQLite's defaults
(rollback journal, synchronous=FULL).
"""
import logging
import sys
import time

from dbos import DBOS, DBOSConfig

workflows, steps, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
logging.disable(logging.CRITICAL)
config: DBOSConfig = {"name": "costsim-bench", "system_database_url": f"sqlite:///{path}",
                      "run_admin_server": False}
DBOS(config=config)


@DBOS.step()
def noop() -> None:
    return None


@DBOS.workflow()
def workflow() -> None:
    for _ in range(steps):
        noop()


DBOS.launch()
workflow()  # warm up: schema, connections
start = time.perf_counter()
for _ in range(workflows):
    workflow()
elapsed = time.perf_counter() - start
print(f"{workflows * steps / elapsed:.1f}")
DBOS.destroy()
