/**
 * One upload limit, from configuration, everywhere (issue 9): raised above the validators' 5 MB default,
 * a file between the two is checked like any other, not refused by a validator still holding 5 MB.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { districtPeople, rosterWorkbook, senderLine, tokenOf, uploadFile, useLocalStack } from '../support/local-stack.js';
import { buildZip, unzipEntries } from '../support/workbooks.js';

const MIB = 1024 * 1024;

/** A valid roster of Phù Cát padded with an incompressible 6 MiB file inside the package (as a pasted photo would be). */
async function heavyRoster(): Promise<Uint8Array> {
  const entries = await unzipEntries(await rosterWorkbook(senderLine('548'), districtPeople('548', 3, 71)));
  const padded = [...entries].map(([name, data]) => ({ name, data: new Uint8Array(data) }));
  padded.push({ name: 'xl/media/image1.bin', data: new Uint8Array(randomBytes(6 * MIB)) });
  return buildZip(padded);
}

describe('a configured upload limit above 5 MB', () => {
  const stack = useLocalStack({ maxUploadBytes: 8 * MIB });

  it('accepts a valid 6 MB roster: the validators check against the configured limit', async () => {
    const bytes = await heavyRoster();
    expect(bytes.byteLength).toBeGreaterThan(6 * MIB);
    const { status } = await uploadFile(stack.current, tokenOf(stack.current.inviteLink('548')), { bytes, fileName: 'ds-phu-cat.xlsx' });
    expect(status.issues.filter((issue) => issue.severity === 'error')).toEqual([]);
    expect(status).toMatchObject({ status: 'accepted', accepted: true, rows: 3 });
  });
});
