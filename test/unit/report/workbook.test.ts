import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport, monthResults, runningTotals, snapshotRosters } from '../../../shared/report/model.js';
import type { Report } from '../../../shared/report/types.js';
import {
  buildReportWorkbook,
  COUNT_FORMAT,
  ISSUER,
  MOTTO,
  PROVINCE_LABEL,
  REPORT_SHEETS,
  REPORT_TITLE,
  UNATTRIBUTED_LABEL,
} from '../../../shared/report/workbook.js';
import { GRANTS, JULY, AUGUST, NOI_VU, ROSTERS } from './fixtures.js';

const DEADLINES = { roster: '2021-06-25', grants: '2021-06-30', resultsDay: 5 };
let report: Report;
let workbook: ExcelJS.Workbook;

/** Every row of a sheet as plain values, from row `from` on. */
function rows(sheet: ExcelJS.Worksheet, from = 1): unknown[][] {
  const values: unknown[][] = [];
  sheet.eachRow((row, number) => {
    if (number >= from) values.push((row.values as unknown[]).slice(1));
  });
  return values;
}

function sheet(name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

beforeAll(async () => {
  report = buildReport({
    period: '2021-08',
    now: new Date('2021-09-01T01:00:00Z'),
    deadlines: DEADLINES,
    rosters: snapshotRosters(ROSTERS, GRANTS, '2021-08', DEADLINES.grants),
    months: runningTotals([monthResults('2021-07', JULY.pointers, JULY.entries), monthResults('2021-08', AUGUST.pointers, AUGUST.entries)]),
  });
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await buildReportWorkbook(report)) as unknown as ArrayBuffer);
});

describe('the report workbook', () => {
  it('has the four sheets a leader expects', () => {
    expect(workbook.worksheets.map((s) => s.name)).toEqual(Object.values(REPORT_SHEETS));
  });

  it('opens with the issuing body on the left, the national motto on the right, the date line and the title with the month', () => {
    const summary = sheet(REPORT_SHEETS.summary);
    expect([summary.getCell('A1').value, summary.getCell('A2').value]).toEqual([...ISSUER]);
    expect([summary.getCell('E1').value, summary.getCell('E2').value]).toEqual([...MOTTO]);
    expect(summary.getCell('E3').value).toBe('Bình Định, ngày 01 tháng 09 năm 2021');
    expect(summary.getCell('A5').value).toBe(REPORT_TITLE);
    expect(summary.getCell('A6').value).toBe('Tháng 08/2021');
  });

  it('puts the province total on top, the same figures as the report, numbers right-aligned with a dot for thousands', () => {
    const summary = sheet(REPORT_SHEETS.summary);
    const total = summary.getRow(9);
    expect((total.values as unknown[]).slice(2, 9)).toEqual([PROVINCE_LABEL, 6, 4, 21, 35, -14, 56]);
    expect(total.getCell(3).numFmt).toBe(COUNT_FORMAT);
    expect(total.getCell(5).alignment?.horizontal).toBe('right');
    expect(total.getCell(2).font?.bold).toBe(true);
    const unitRows = rows(summary, 10).filter((values) => typeof values[0] === 'number');
    expect(unitRows).toHaveLength(33);
    const accounts = unitRows.reduce<number>((sum, values) => sum + Number(values[4]), 0);
    const unattributed = rows(summary, 10).find((values) => values[1] === UNATTRIBUTED_LABEL);
    expect(accounts + Number(unattributed?.[4])).toBe(report.totals.accountsCreated);
  });

  it('is Times New Roman, bordered, frozen under the header, A4 landscape one page wide with the header repeated', () => {
    for (const current of workbook.worksheets) {
      expect(current.getCell('A1').font?.name).toBe('Times New Roman');
      expect(current.getCell('A8').border?.bottom?.style).toBe('thin');
      expect(current.views[0]).toMatchObject({ state: 'frozen', ySplit: 8 });
      expect(current.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '8:8' });
    }
  });

  it('details each district by commune, and lists the units without figures for the month', () => {
    const communes = rows(sheet(REPORT_SHEETS.communes), 9);
    expect(communes[0]?.slice(1, 6)).toEqual([PROVINCE_LABEL, 6, 4, 21, 56]);
    expect(communes.find((values) => values[1] === 'Thị trấn Ngô Mây')?.slice(2, 6)).toEqual([2, 2, 18, 33]);
    const missing = rows(sheet(REPORT_SHEETS.missing), 9).map((values) => values[1]);
    expect(missing).toContain('Huyện Vĩnh Thạnh');
    expect(missing).toContain('Sở Nội vụ');
    expect(missing).not.toContain('Huyện Phù Cát');
    expect(report.units.find((u) => u.unitCode === NOI_VU)?.resultsStatus).toBe('missing');
  });

  it('holds no ID or phone number: the unattributed sheet gives the row of the centre file and the count', async () => {
    const july = buildReport({
      period: '2021-07',
      now: new Date('2021-08-01T01:00:00Z'),
      deadlines: DEADLINES,
      rosters: snapshotRosters(ROSTERS, GRANTS, '2021-07', DEADLINES.grants),
      months: runningTotals([monthResults('2021-07', JULY.pointers, JULY.entries)]),
    });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await buildReportWorkbook(july)) as unknown as ArrayBuffer);
    const unattributed = book.getWorksheet(REPORT_SHEETS.unattributed);
    if (!unattributed) throw new Error('no unattributed sheet');
    expect(rows(unattributed, 9)).toEqual([
      ['', 'Tổng cộng', 6],
      [1, 9, 6],
    ]);
  });
});
