"""Register Octavia in the harness's Keystone (run by up.sh, idempotent).

User octavia (project service, roles admin and service), the load-balancer_*
roles of Octavia's default policy, role load-balancer_member for demo on project
demo, service octavia of type load-balancer and its three endpoints.
Few requests: each costs this Keystone (one uwsgi process) 0.3-1 s.
Environment: KS_URL, OS_PASSWORD_ALL (every harness password), OCTAVIA_URL.
"""
import os

import openstack

KS_URL = os.environ["KS_URL"]
PW = os.environ["OS_PASSWORD_ALL"]
URL = os.environ["OCTAVIA_URL"]

c = openstack.connect(auth_url=KS_URL, username="admin", password=PW,
                      project_name="admin", user_domain_name="Default",
                      project_domain_name="Default", region_name="RegionOne",
                      identity_api_version="3")
idn = c.identity
projects = {p.name: p for p in idn.projects(domain_id="default")}
users = {u.name: u for u in idn.users(domain_id="default")}
roles = {r.name: r for r in idn.roles()}
service, demo = projects.get("service"), projects.get("demo")
if not (service and demo and "demo" in users):
    raise SystemExit("the harness's projects service/demo or user demo are missing: "
                     "run the harness's up.sh first")


def role(name):
    if name not in roles:
        roles[name] = idn.create_role(name=name)
    return roles[name]


# Octavia Zed's default policy: writing needs role load-balancer_member (with the
# old defaults, in the object's project; with enforce_new_defaults, role member
# as well). The policy's other load-balancer_* roles are made too, unassigned.
for name in ("load-balancer_member", "load-balancer_observer",
             "load-balancer_global_observer", "load-balancer_quota_admin",
             "load-balancer_admin"):
    role(name)
octavia = users.get("octavia") or idn.create_user(
    name="octavia", password=PW, domain_id="default", default_project_id=service.id)
want = [(service, octavia, role("admin")), (service, octavia, role("service")),
        (demo, users["demo"], role("load-balancer_member"))]
for proj, usr, rl in want:
    have = {a.role["id"] for a in idn.role_assignments(user_id=usr.id,
                                                         scope_project_id=proj.id)}
    if rl.id not in have:
        idn.assign_project_role_to_user(proj, usr, rl)

svc = next((s for s in idn.services() if s.type == "load-balancer"), None) \
    or idn.create_service(name="octavia", type="load-balancer", is_enabled=True,
                          description="Octavia load-balancer v2 (no-op drivers)")
have = {e.interface: e for e in idn.endpoints(service_id=svc.id)}
for itf in ("public", "internal", "admin"):
    e = have.get(itf)
    if e is None:
        idn.create_endpoint(service_id=svc.id, interface=itf, url=URL, region_id="RegionOne")
    elif e.url != URL:
        idn.update_endpoint(e, url=URL)
print("octavia identity ok")
