#!/usr/bin/env python3
"""Writes the example export with a larger P2S pool and a larger NSG, for the checklist at
scale: scale_snapshot.py EXAMPLE_DIR OUT_DIR POOL_CIDR RULES"""
import ipaddress, json, random, shutil, sys
from pathlib import Path

example, out, pool, count = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(example, out)
gateway = json.loads((out / "gateway.json").read_text())
gateway["properties"]["vpnClientConfiguration"]["vpnClientAddressPool"]["addressPrefixes"] = [pool]
(out / "gateway.json").write_text(json.dumps(gateway, indent=2))
net = ipaddress.ip_network(pool)
random.seed(7)
nsg = json.loads((out / "nsg-data.json").read_text())
rules = []
for i in range(count):
    length = random.randint(net.prefixlen + 1, 32)
    start = int(net.network_address) + random.randrange(net.num_addresses)
    source = ipaddress.ip_network(f"{ipaddress.ip_address(start)}/{length}", strict=False)
    rules.append({"name": f"rule-{i}", "properties": {
        "priority": 100 + i, "direction": "Inbound", "access": random.choice(["Allow", "Deny"]),
        "protocol": "Tcp", "sourceAddressPrefix": str(source), "sourcePortRange": "*",
        "destinationAddressPrefix": "10.10.2.0/24",
        "destinationPortRange": random.choice(["1433", "*", "443"])}})
nsg["properties"]["securityRules"] = rules
(out / "nsg-data.json").write_text(json.dumps(nsg, indent=2))
