import type { RunningSimulator } from '@peak/openstack-sim';

/** A real (throw-away) ed25519 public key, which Nova's key pair import accepts. */
export const PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM5++SFzkqMBUUcgyrQM4XrFbgvBP5OtPTLxBa6q1fyQ peak@test';

/** Imports a key pair for the token's user through the simulator's Nova, as `openstack keypair create --public-key` would. */
export async function importKeypair(sim: RunningSimulator, token: string, name: string): Promise<void> {
  const res = await fetch(`${sim.url}/compute/v2.1/os-keypairs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token, 'openstack-api-version': 'compute 2.92' },
    body: JSON.stringify({ keypair: { name, public_key: PUBLIC_KEY } }),
  });
  if (res.status !== 201) throw new Error(`Nova did not import key pair ${name}: ${res.status} ${await res.text()}`);
}

/** Creates a security group in the token's project through the simulator's Neutron; returns its id and name. */
export async function createSecurityGroup(sim: RunningSimulator, token: string, name: string): Promise<{ id: string; name: string }> {
  const res = await fetch(`${sim.url}/network/v2.0/security-groups`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-auth-token': token },
    body: JSON.stringify({ security_group: { name } }),
  });
  if (res.status !== 201) throw new Error(`Neutron did not create security group ${name}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { security_group: { id: string; name: string } }).security_group;
}
