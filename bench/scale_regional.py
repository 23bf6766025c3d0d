#!/usr/bin/env python3
"""Writes the regional example export with 1,000-rule NSGs on both the integration subnet
(outbound) and the target's subnet (inbound), for the regional checklist at scale:
scale_regional.py EXAMPLE_DIR OUT_DIR RULES"""
import ipaddress, json, random, shutil, sys
from pathlib import Path

example, out, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(example, out)
vnet = ipaddress.ip_network("10.20.0.0/16")
random.seed(12)


def rules(direction, destination):
    made = []
    for i in range(count):
        # Half of the rules cut the integration subnet (10.20.4.0/26) into pieces.
        if i % 2:
            length = random.randint(17, 32)
            start = int(vnet.network_address) + random.randrange(vnet.num_addresses)
        else:
            length = random.randint(24, 32)
            start = int(ipaddress.ip_address("10.20.4.0")) + random.randrange(256)
        source = ipaddress.ip_network(f"{ipaddress.ip_address(start)}/{length}", strict=False)
        made.append({"name": f"{direction.lower()}-{i}", "properties": {
            "priority": 100 + i, "direction": direction, "access": random.choice(["Allow", "Deny"]),
            "protocol": random.choice(["Tcp", "*"]), "sourceAddressPrefix": str(source),
            "sourcePortRange": "*", "destinationAddressPrefix": destination,
            "destinationPortRange": random.choice(["8443", "*", "443", "1433"])}})
    return made


for name, direction, destination in [("nsg-apps.json", "Outbound", "10.20.2.0/24"),
                                     ("nsg-data.json", "Inbound", "10.20.2.4")]:
    nsg = json.loads((out / name).read_text())
    nsg["properties"]["securityRules"] = rules(direction, destination) + nsg["properties"]["securityRules"]
    for i, rule in enumerate(nsg["properties"]["securityRules"][count:]):
        rule["properties"]["priority"] = 100 + count + i
    (out / name).write_text(json.dumps(nsg, indent=2))
