import { verifyStandardWebhook } from '../testing/standard-webhooks';
import { newWebhookSecret, signatureHeaders } from './signature';

/**
 * The fixed test vector of the Standard Webhooks spec, as its reference library checks it (standard-webhooks
 * `libraries/javascript/src/webhook.test.ts`, "sign function works"). Issue #20 quoted the signature as
 * `v1,g0hM9SsE+OTPJTGt/tLKtSNOJNcKnh7VoTCONVnOAxA=`: that value is not the spec's, and no conforming verifier accepts it.
 */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const MISQUOTED = 'v1,g0hM9SsE+OTPJTGt/tLKtSNOJNcKnh7VoTCONVnOAxA=';

describe('Standard Webhooks signatures', () => {
  it("the tests' own verifier accepts the spec's vector, and refuses it changed", () => {
    const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature };
    expect(verifyStandardWebhook(VECTOR.secret, headers, VECTOR.body)).toBe(true);
    expect(verifyStandardWebhook(VECTOR.secret, headers, '{"test": 2432232315}')).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-timestamp': '1614265331' }, VECTOR.body)).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-signature': MISQUOTED }, VECTOR.body)).toBe(false);
    // Several signatures (during a key rotation): one that matches is enough.
    expect(verifyStandardWebhook(VECTOR.secret, { ...headers, 'webhook-signature': `v1,AAAA ${VECTOR.signature}` }, VECTOR.body)).toBe(
      true,
    );
  });

  it("the product signs the spec's vector as the spec says", () => {
    expect(signatureHeaders(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });

  it('makes secrets of 24 random bytes, prefixed whsec_', () => {
    const sut = newWebhookSecret();
    expect(sut).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(sut.slice(6), 'base64')).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(sut);
  });
});
