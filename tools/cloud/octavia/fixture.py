"""As demo: load balancer peak-lb on private-subnet, HTTP listener peak-listener on
port 80, pool peak-pool (ROUND_ROBIN) with HTTP health monitor peak-hm; each made
only if missing, each waited for until the load balancer is ACTIVE again. A
peak-lb left in ERROR (e.g. by a broken earlier config) is deleted and made again.
Run by up.sh. Environment: KS_URL, OS_PASSWORD_ALL.
"""
import os
import time

import openstack

c = openstack.connect(auth_url=os.environ["KS_URL"], username="demo",
                      password=os.environ["OS_PASSWORD_ALL"], project_name="demo",
                      user_domain_name="Default", project_domain_name="Default",
                      region_name="RegionOne", identity_api_version="3")
lbp = c.load_balancer


def wait_active(lb_id, what):
    t = time.time()
    while True:
        lb = lbp.get_load_balancer(lb_id)
        if lb.provisioning_status == "ACTIVE":
            return lb
        if lb.provisioning_status == "ERROR" or time.time() - t > 120:
            raise SystemExit("peak-lb is %s after %s (see octavia-worker.log)"
                             % (lb.provisioning_status, what))
        time.sleep(0.3)


subnet = c.network.find_subnet("private-subnet", ignore_missing=False)
lb = lbp.find_load_balancer("peak-lb")
if lb is not None and lb.provisioning_status == "ERROR":
    print("peak-lb is in ERROR: deleting it (cascade) to make it again")
    lbp.delete_load_balancer(lb.id, cascade=True)
    t = time.time()
    while lbp.find_load_balancer(lb.id) is not None and time.time() - t < 120:
        time.sleep(0.3)
    lb = None
if lb is None:
    lb = lbp.create_load_balancer(name="peak-lb", vip_subnet_id=subnet.id)
lb = wait_active(lb.id, "create")
listener = next((x for x in lbp.listeners(load_balancer_id=lb.id)
                 if x.name == "peak-listener"), None)
if listener is None:
    listener = lbp.create_listener(name="peak-listener", load_balancer_id=lb.id,
                                   protocol="HTTP", protocol_port=80)
    wait_active(lb.id, "listener create")
pool = next((p for p in lbp.pools(loadbalancer_id=lb.id) if p.name == "peak-pool"), None)
if pool is None:
    pool = lbp.create_pool(name="peak-pool", listener_id=listener.id, protocol="HTTP",
                           lb_algorithm="ROUND_ROBIN")
    wait_active(lb.id, "pool create")
pool = lbp.get_pool(pool.id)
if not pool.health_monitor_id:
    lbp.create_health_monitor(name="peak-hm", pool_id=pool.id, type="HTTP", delay=5,
                              timeout=3, max_retries=3, url_path="/", expected_codes="200")
    wait_active(lb.id, "health monitor create")
print("peak-lb %s ACTIVE (vip %s), listener %s, pool %s"
      % (lb.id, lb.vip_address, listener.id, pool.id))
