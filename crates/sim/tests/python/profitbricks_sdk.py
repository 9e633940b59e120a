"""The official ProfitBricks Python SDK (profitbricks==3.1.2) against the simulator.

Run by crates/sim/tests/python_sdk.rs with the simulator's base URL as the only argument; it
walks a data center's life as the SDK's README does and prints what it saw as one JSON object.
"""
import json
import sys
import time

from profitbricks.client import NIC, IPBlock, Datacenter, ProfitBricksService, Server, Volume

client = ProfitBricksService(username="sim-user", password="sim-password", host_base=sys.argv[1])


def wait(answer):
    """Polls the provisioning request a change started until it ends; its last status."""
    for _ in range(100):
        status = client.get_request(answer["requestId"], status=True)["metadata"]["status"]
        if status in ("DONE", "FAILED"):
            return status
        time.sleep(0.02)
    return "TIMED OUT"


seen = {}
datacenter = client.create_datacenter(Datacenter(name="py", location="de/fra"))
seen["datacenter_request"] = wait(datacenter)
seen["datacenters"] = [d["properties"]["name"] for d in client.list_datacenters(depth=1)["items"]]
images = client.list_images()["items"]
image = next(i["id"] for i in images if i["properties"]["imageType"] == "HDD")
server = client.create_server(
    datacenter["id"],
    Server(
        name="web",
        cores=1,
        ram=1024,
        create_volumes=[Volume(name="disk", size=10, image=image, ssh_keys=["ssh-rsa AAAA"])],
        nics=[NIC(name="nic", lan=1)],
    ),
)
seen["server_request"] = wait(server)
server = client.get_server(datacenter["id"], server["id"], depth=2)
seen["server"] = [server["properties"]["name"], server["metadata"]["state"]]
seen["server_volumes"] = len(server["entities"]["volumes"]["items"])
seen["server_nics"] = len(server["entities"]["nics"]["items"])
block = client.reserve_ipblock(IPBlock(name="ips", location="de/fra", size=2))
seen["ips"] = len(block["properties"]["ips"])
try:
    client.get_datacenter("00000000-0000-0000-0000-000000000000")
    seen["missing"] = "found"
except Exception as error:  # the SDK's PBNotFoundError
    seen["missing"] = type(error).__name__
client.delete_datacenter(datacenter["id"])
seen["left"] = len(client.list_datacenters()["items"])
print(json.dumps(seen))
