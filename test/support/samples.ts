import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The province's example rosters, copied into the repository's samples/ (README there says what each should give). */
export const SAMPLES_DIR = fileURLToPath(new URL('../../samples/', import.meta.url));

export const SAMPLES = {
  s01: `${SAMPLES_DIR}s01-vinh-thanh-hop-le.xlsx`,
  s02: `${SAMPLES_DIR}s02-tay-son-lon-xon.xlsx`,
  s03: `${SAMPLES_DIR}s03-hoai-an-co-loi.xlsx`,
  s04: `${SAMPLES_DIR}s04-vinh-thanh-tcvn3.xlsx`,
} as const;

export function sampleBytes(name: keyof typeof SAMPLES): Uint8Array {
  return new Uint8Array(readFileSync(SAMPLES[name]));
}
