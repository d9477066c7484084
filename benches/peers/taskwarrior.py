"""Taskwarrior's side of the import comparison in BENCHMARKS.md.

    python3 benches/peers/taskwarrior.py N FILE   # N tasks, one JSON object per line
    task rc:/dev/null rc.data.location=DIR rc.confirmation=off rc.verbose=nothing \
        rc.hooks=off import FILE                  # into a fresh, empty DIR

Tasks are shaped like an analyst's backlog: a ten-word description, a project, two tags,
a priority, and a twelve-word annotation on every third one (about 350 bytes each).
"""
import datetime
import json
import random
import sys
import uuid

WORDS = ("courier vehicle payment meeting warehouse phone account transfer shipment "
         "contact address invoice").split()


def words(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def main():
    count, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(7)
    start = datetime.datetime(2024, 1, 1)
    with open(path, "w") as out:
        for i in range(count):
            stamp = (start + datetime.timedelta(minutes=7 * i)).strftime("%Y%m%dT%H%M%SZ")
            task = {
                "uuid": str(uuid.UUID(int=rng.getrandbits(128))),
                "description": words(rng, 10),
                "status": "pending",
                "entry": stamp,
                "modified": stamp,
                "project": "op%d" % (i % 40),
                "tags": rng.sample(WORDS, 2),
                "priority": rng.choice("HML"),
            }
            if i % 3 == 0:
                task["annotations"] = [{"entry": stamp, "description": words(rng, 12)}]
            out.write(json.dumps(task) + "\n")


if __name__ == "__main__":
    main()
