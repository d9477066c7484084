"""Checks a FollowTheMoney entity stream with the followthemoney package's own model.

Usage: python3 ftm_validate.py FILE

Every line must be one entity {"id", "schema", "properties"} that followthemoney reads
without error (a known, non-abstract schema; known properties; lists of strings), with
its schema's required properties, every value surviving the package's cleaning (but
phone numbers in Ofcom's drama range, 07700 900000-900999, which the phonenumbers
library rightly rejects as unallocated), and every entity reference naming an entity of
the stream whose schema fits the property's range. The stream is also passed through
the package's `ftm validate` command. Prints a summary; exits 1 listing each problem.
"""

import io
import json
import sys

from followthemoney import model
from followthemoney.proxy import EntityProxy

DRAMA = "+447700900"

problems = []
entities = {}
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
for no, line in enumerate(lines, 1):
    try:
        data = json.loads(line)
    except ValueError as e:
        problems.append(f"line {no}: not JSON: {e}")
        continue
    if sorted(data) != ["id", "properties", "schema"]:
        problems.append(f"line {no}: keys {sorted(data)}")
        continue
    schema = model.get(data["schema"])
    if schema is None or schema.abstract:
        problems.append(f"line {no}: schema {data['schema']!r} unknown or abstract")
        continue
    try:
        proxy = EntityProxy.from_dict(data, cleaned=False)
    except Exception as e:  # the package's own refusal
        problems.append(f"line {no}: followthemoney refuses it: {e}")
        continue
    if data["id"] in entities:
        problems.append(f"line {no}: id {data['id']} repeated")
    entities[data["id"]] = (no, schema, data["properties"])
    for req in schema.required:
        if not data["properties"].get(req):
            problems.append(f"line {no}: {schema.name} lacks required {req}")
    for name, values in data["properties"].items():
        prop = schema.get(name)
        if prop is None:
            problems.append(f"line {no}: {schema.name} has no property {name!r}")
            continue
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(f"line {no}: {name} is not a list of strings")
            continue
        for v in values:
            cleaned = prop.type.clean(v, proxy=proxy)
            if cleaned is None and not (prop.type.name == "phone" and v.startswith(DRAMA)):
                problems.append(f"line {no}: {schema.name}.{name} value {v!r} is rejected")

for ident, (no, schema, props) in entities.items():
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None or prop.type.name != "entity":
            continue
        for v in values:
            target = entities.get(v)
            if target is None:
                problems.append(f"line {no}: {name} names {v}, not in the stream")
            elif not target[1].is_a(prop.range):
                problems.append(
                    f"line {no}: {name} names a {target[1].name}, not a {prop.range.name}"
                )

try:
    from click.testing import CliRunner
    from followthemoney.cli.cli import cli

    result = CliRunner().invoke(cli, ["validate", "-i", sys.argv[1], "-o", "-"])
    if result.exit_code != 0:
        problems.append(f"ftm validate failed: {result.output} {result.exception!r}")
    elif len(result.output.splitlines()) != len(lines):
        problems.append("ftm validate did not give back every entity")
except ImportError as e:
    problems.append(f"cannot run ftm validate: {e}")

for p in problems:
    print(p)
print(f"{len(lines)} entities, {len(problems)} problems")
sys.exit(1 if problems else 0)
