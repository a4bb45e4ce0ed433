# What a boto3 script reads to plan a manifest that names every group and manages its tags:
# ListBillingGroups (pages of 250), then DescribeBillingGroup and ListTagsForResource for each group,
# against the same emulator stack as the extension (moto behind the test suite's tag layer, which
# answers the tag operations moto lacks). Prints one JSON line {"ms", "groups", "calls": {op: n}}.
# Credentials and region come from the environment (AWS_ACCESS_KEY_ID=testing, ...).
import json
import sys
import time

import boto3

endpoint = sys.argv[1]
client = boto3.client("iot", endpoint_url=endpoint)
calls = {}


def call(name, method, **kwargs):
    calls[name] = calls.get(name, 0) + 1
    return getattr(client, method)(**kwargs)


started = time.perf_counter()
groups = []
token = None
while True:
    page = call("ListBillingGroups", "list_billing_groups", maxResults=250, **({"nextToken": token} if token else {}))
    groups.extend(page.get("billingGroups", []))
    token = page.get("nextToken")
    if not token:
        break
for g in groups:
    call("DescribeBillingGroup", "describe_billing_group", billingGroupName=g["groupName"])
    call("ListTagsForResource", "list_tags_for_resource", resourceArn=g["groupArn"])
elapsed = (time.perf_counter() - started) * 1000
print(json.dumps({"ms": elapsed, "groups": len(groups), "calls": calls, "boto3": boto3.__version__}), flush=True)
