import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderReferenceModule } from '../../scripts/import-reference-data.js';
import { CCCD_PROVINCES, DEPARTMENTS, MOBILE_PREFIXES, UNITS } from '../../shared/data/reference.js';

describe('reference data', () => {
  it('is the generated image of the CSVs it came from (no hand edits, no drift)', () => {
    const committed = readFileSync(new URL('../../shared/data/reference.ts', import.meta.url), 'utf8');
    expect(committed).toBe(renderReferenceModule());
  });

  it('holds the 2021 catalogue as the source README describes it', () => {
    expect(UNITS.filter((u) => u.level === 'district')).toHaveLength(11);
    expect(UNITS.filter((u) => u.level === 'commune')).toHaveLength(159);
    expect(DEPARTMENTS).toHaveLength(22);
    expect(CCCD_PROVINCES).toHaveLength(63);
    expect(MOBILE_PREFIXES).toHaveLength(36);
  });

  it('keeps codes with their leading zeros', () => {
    expect(CCCD_PROVINCES.find((p) => p.code === '052')?.province_name).toBe('Bình Định');
    expect(MOBILE_PREFIXES.every((p) => /^0\d\d$/.test(p.prefix))).toBe(true);
  });
});
