/**
 * What the CLI's verdict commands (`validate`, `grants import`) share: reading the file within the size
 * limit, and printing issues as an aligned table. Never prints an ID or phone number: issues carry none.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { InputError } from '../shared/errors.js';
import { MESSAGES } from '../shared/messages.js';
import type { Issue } from '../shared/verdict.js';
import { COLUMN_LABELS } from '../shared/workbook/annotate.js';

/** Reads no more than `limit` bytes: a hostile multi-gigabyte file is rejected by size, not read whole. */
export function readAtMost(file: string, limit: number): Uint8Array {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch (error) {
    throw new InputError(`Không tìm thấy tệp "${file}".`, { cause: error });
  }
  if (stat.isDirectory()) throw new InputError(`"${file}" là một thư mục, không phải tệp: hãy chỉ ra một tệp .xlsx hoặc .csv trong thư mục đó.`);
  if (!stat.isFile()) throw new InputError(`"${file}" không phải là một tệp thông thường: hãy chỉ ra một tệp .xlsx hoặc .csv.`);
  const buffer = Buffer.alloc(Math.min(stat.size, limit));
  const fd = openSync(file, 'r');
  try {
    let offset = 0;
    while (offset < buffer.length) {
      const read = readSync(fd, buffer, offset, buffer.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return buffer.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

/** How many issues are errors and how many warnings, for the summary line. */
export function issueCounts(issues: readonly Issue[]): { errors: number; warnings: number } {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return { errors, warnings: issues.length - errors };
}

/** The issues as an aligned table (row, column by its header, severity, message). */
export function issueTable(issues: readonly Issue[]): string[] {
  const table: [string, string, string, string][] = [
    ['Dòng', 'Cột', 'Mức độ', 'Nội dung'],
    ...issues.map((i): [string, string, string, string] => [
      i.row === null ? '—' : String(i.row),
      i.column ? COLUMN_LABELS[i.column] : '—',
      i.severity === 'error' ? MESSAGES.SEVERITY_ERROR : MESSAGES.SEVERITY_WARNING,
      i.message,
    ]),
  ];
  const width = (c: 0 | 1 | 2) => Math.max(...table.map((r) => r[c].length));
  const widths = [width(0), width(1), width(2)] as const;
  return table.map(([row, column, severity, message]) =>
    [row.padEnd(widths[0]), column.padEnd(widths[1]), severity.padEnd(widths[2]), message].join('  '),
  );
}
