# boto3's paginator over ListBillingGroups, driven line by line by bench/run.ts so that its runs
# interleave with the extension's over the same moto_server in the same benchmark run.
# Credentials and region come from the environment (AWS_ACCESS_KEY_ID=testing, ...).
# stdin: one line per run, "default" (the paginator as a script would use it: no page size) or a
# page size such as "250"; stdout: one JSON line per run {"ms", "items", "calls"}.
import json
import sys
import time

import boto3

endpoint = sys.argv[1]
client = boto3.client("iot", endpoint_url=endpoint)
paginator = client.get_paginator("list_billing_groups")
print(json.dumps({"ready": True, "boto3": boto3.__version__}), flush=True)

for line in sys.stdin:
    mode = line.strip()
    if not mode:
        continue
    config = {} if mode == "default" else {"PageSize": int(mode)}
    started = time.perf_counter()
    items = 0
    calls = 0
    for page in paginator.paginate(PaginationConfig=config):
        calls += 1
        items += len(page.get("billingGroups", []))
    elapsed = (time.perf_counter() - started) * 1000
    print(json.dumps({"ms": elapsed, "items": items, "calls": calls}), flush=True)
