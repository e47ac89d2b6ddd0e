/**
 * Writes the blank Appendix 2 template (Phụ lục 2 of the 2021 letter), the one naming no unit:
 * `npx tsx scripts/make-template.ts [OUT.xlsx]` (default `web/static/mau-phu-luc-2.xlsx`). The layout lives
 * in `shared/forms/templates.ts`, which also builds each upload link's own forms (`GET /api/template`).
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ExcelJS from 'exceljs';
import { buildTemplate as buildFormTemplate } from '../shared/forms/templates.js';

const DEFAULT_OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../web/static/mau-phu-luc-2.xlsx');

/** The blank roster template, "Đơn vị cung cấp: UBND huyện ……" left for the clerk to fill. */
export function buildTemplate(): Promise<ExcelJS.Workbook> {
  return buildFormTemplate({ form: 'roster' });
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? DEFAULT_OUT);
  const workbook = await buildTemplate();
  await mkdir(dirname(out), { recursive: true });
  await workbook.xlsx.writeFile(out);
  process.stdout.write(`Đã tạo mẫu Phụ lục 2: ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
