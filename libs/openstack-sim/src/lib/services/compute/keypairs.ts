import { createHash, generateKeyPairSync } from 'node:crypto';
import { isRecord } from '../../behaviour';
import type { Router } from '../../http/router';
import { isoMicrosNaive } from '../../http/formats';
import type { Keypair } from '../../state';
import { type ComputeCall, type ComputeHandler, badRequest, conflict, malformedBody, notFound, requiredProperty } from './common';
import { MV } from './microversions';

/** `/os-keypairs` of the calling user: import or generate (before 2.92), list, show, delete. */
export function registerKeypairRoutes(router: Router<ComputeHandler>): void {
  router
    .get('/os-keypairs', (call) => ({
      status: 200,
      body: { keypairs: ownKeypairs(call).map((k) => ({ keypair: keypairView(k, call.mv, false) })) },
    }))
    .get('/os-keypairs/:name', (call) => ({ status: 200, body: { keypair: keypairView(findKeypair(call), call.mv, true) } }))
    .delete('/os-keypairs/:name', (call) => {
      const keypair = findKeypair(call);
      call.sim.state.keypairs = call.sim.state.keypairs.filter((k) => k !== keypair);
      // Nova answers 202 before 2.2 and 204 from then on.
      return { status: call.mv >= MV.KEYPAIR_TYPE ? 204 : 202 };
    })
    .post('/os-keypairs', createKeypair);
}

function ownKeypairs(call: ComputeCall): Keypair[] {
  return call.sim.state.keypairs.filter((k) => k.userId === call.auth.user.id);
}

function findKeypair(call: ComputeCall): Keypair {
  const keypair = ownKeypairs(call).find((k) => k.name === call.params['name']);
  if (!keypair) throw notFound(`Keypair ${call.params['name']} not found for user ${call.auth.user.id}`);
  return keypair;
}

function keypairView(k: Keypair, mv: number, detail: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { name: k.name, public_key: k.publicKey, fingerprint: k.fingerprint };
  if (mv >= MV.KEYPAIR_TYPE) view['type'] = 'ssh';
  if (detail)
    Object.assign(view, {
      user_id: k.userId,
      created_at: isoMicrosNaive(k.createdAt),
      deleted: false,
      deleted_at: null,
      updated_at: null,
      id: k.id,
    });
  return view;
}

function createKeypair(call: ComputeCall) {
  const input = call.ctx.jsonObject(malformedBody)['keypair'];
  if (!isRecord(input)) throw requiredProperty('keypair', input, 'keypair');
  const name = input['name'];
  if (typeof name !== 'string' || !/^[a-zA-Z0-9 _.@-]{1,255}$/.test(name) || name.trim() !== name) {
    throw badRequest('Keypair data is invalid: Keypair name contains unsafe characters');
  }
  if (ownKeypairs(call).some((k) => k.name === name)) throw conflict(`Key pair '${name}' already exists.`);
  let publicKey = input['public_key'];
  let privateKey: string | undefined;
  if (publicKey === undefined) {
    if (call.mv >= MV.KEYPAIR_IMPORT_ONLY) throw requiredProperty('keypair', input, 'public_key');
    ({ publicKey, privateKey } = generateRsaKeypair());
  }
  if (typeof publicKey !== 'string' || !/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-\S+) [A-Za-z0-9+/=]+/.test(publicKey)) {
    throw badRequest('Keypair data is invalid: failed to generate fingerprint');
  }
  const blob = Buffer.from(publicKey.split(' ')[1], 'base64');
  const keypair: Keypair = {
    id: call.sim.state.keypairs.length + 1,
    name,
    userId: call.auth.user.id,
    publicKey,
    fingerprint: createHash('md5').update(blob).digest('hex').match(/../g)?.join(':') ?? '',
    createdAt: call.now,
  };
  call.sim.state.keypairs.push(keypair);
  const view = { ...keypairView(keypair, call.mv, false), user_id: keypair.userId, ...(privateKey ? { private_key: privateKey } : {}) };
  // Nova answers 200 before 2.2 and 201 from then on.
  return { status: call.mv >= MV.KEYPAIR_TYPE ? 201 : 200, body: { keypair: view } };
}

/** An RSA key pair in the formats Nova returns: OpenSSH public key, PEM private key. */
function generateRsaKeypair(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const sshString = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  // SSH mpints are signed: a leading 0x00 keeps a high first bit positive.
  const mpint = (base64url: string | undefined) => {
    const bytes = Buffer.from(base64url ?? '', 'base64url');
    return sshString(bytes[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
  };
  const blob = Buffer.concat([sshString(Buffer.from('ssh-rsa')), mpint(jwk.e), mpint(jwk.n)]);
  return {
    publicKey: `ssh-rsa ${blob.toString('base64')} Generated-by-Nova`,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
  };
}
