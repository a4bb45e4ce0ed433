# Things without a billing group with boto3's paginators: every thing (list_things) minus the union of
# list_things_in_billing_group over every group (list_billing_groups), as a script would do it; driven
# line by line by bench/things.ts so that its runs interleave with the extension's over the same
# moto_server. Credentials and region come from the environment (AWS_ACCESS_KEY_ID=testing, ...).
# stdin: one line per run, "default" (the paginators as a script would use them: no page size) or a
# page size such as "250"; stdout: one JSON line per run {"ms", "things", "unassigned", "calls"}.
import json
import sys
import time

import boto3

endpoint = sys.argv[1]
client = boto3.client("iot", endpoint_url=endpoint)
print(json.dumps({"ready": True, "boto3": boto3.__version__}), flush=True)

for line in sys.stdin:
    mode = line.strip()
    if not mode:
        continue
    config = {} if mode == "default" else {"PageSize": int(mode)}
    started = time.perf_counter()
    calls = 0
    groups = []
    for page in client.get_paginator("list_billing_groups").paginate(PaginationConfig=config):
        calls += 1
        groups.extend(g["groupName"] for g in page.get("billingGroups", []))
    assigned = set()
    for group in groups:
        for page in client.get_paginator("list_things_in_billing_group").paginate(billingGroupName=group, PaginationConfig=config):
            calls += 1
            assigned.update(page.get("things", []))
    things = 0
    unassigned = 0
    for page in client.get_paginator("list_things").paginate(PaginationConfig=config):
        calls += 1
        for t in page.get("things", []):
            things += 1
            if t["thingName"] not in assigned:
                unassigned += 1
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": elapsed, "things": things, "unassigned": unassigned, "calls": calls}), flush=True)
