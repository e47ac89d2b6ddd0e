/** What the store keys a sign-in quota by (instead of the address): one value per address and secret. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addressKey } from '../../../shared/admin/session.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const OTHER_SECRET = 'another-secret-of-at-least-thirty-two-characters';

describe('addressKey', () => {
  it('is stable for an address, and differs between addresses and between secrets (so a copy of the table names nobody without the secret)', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.emailAddress(), (address, other) => {
        const key = addressKey(SECRET, address);
        expect(addressKey(SECRET, address)).toBe(key);
        expect(key).toMatch(/^[0-9a-f]{64}$/);
        expect(addressKey(OTHER_SECRET, address)).not.toBe(key);
        if (other !== address) expect(addressKey(SECRET, other)).not.toBe(key);
      }),
    );
  });
});
