/**
 * No upload link is an oracle for who lists whom. On the embedded stack: Vĩnh Thạnh (546) sends its roster;
 * a link holder of Phù Cát (548) then uploads invented names with ID numbers of their choosing, and learns
 * nothing (the verdict is that of a roster of strangers); Phù Mỹ (545) lists two of Vĩnh Thạnh's officials
 * under their own names and learns that they are on another unit's roster, but not which. The centre still
 * sees every cross-unit listing, unit by unit, in `status` and `export-roster`.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ISSUES } from '../../shared/issues.js';
import { provinceOfficials, rosterStates } from '../../shared/pipeline/rosters.js';
import { ISSUES_SHEET_NAME } from '../../shared/workbook/annotate.js';
import { unitByCode } from '../../shared/vn/units.js';
import { districtPeople, type Person, rosterWorkbook, senderLine, tokenOf, uploadFile, useLocalStack } from '../support/local-stack.js';

const stack = useLocalStack();

const VINH_THANH = '546';
const PHU_CAT = '548';
const PHU_MY = '545';

const thanh: Person = { name: 'Đinh Văn Thạnh', unit: 'BPMC huyện Vĩnh Thạnh', idNumber: '052083020001', phone: '0914020001' };
const hoa: Person = { name: 'Nguyễn Thị Hoà', unit: 'BPMC huyện Vĩnh Thạnh', idNumber: '052190020003', phone: '0914020003' };

/** Every name a message could give away: the units listing the people, by name and by code. */
const OTHER_UNITS = [VINH_THANH, PHU_CAT].flatMap((code) => [code, unitByCode(code)?.name ?? code, (unitByCode(code)?.name ?? code).replace(/^Huyện /, '')]);

async function upload(unit: string, people: readonly Person[]) {
  const link = tokenOf(stack.current.inviteLink(unit));
  return uploadFile(stack.current, link, { bytes: await rosterWorkbook(senderLine(unit), people), fileName: 'danh sach.xlsx' });
}

/** The notes and the "Lỗi" sheet of the annotated workbook a clerk downloads. */
async function annotatedTexts(reportUrl: string): Promise<string[]> {
  const response = await fetch(reportUrl);
  expect(response.status).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ExcelJS.Buffer);
  const texts: string[] = [];
  for (const sheet of workbook.worksheets) {
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        const note = cell.note;
        if (note) texts.push(typeof note === 'string' ? note : (note.texts ?? []).map((t) => t.text).join(''));
        if (sheet.name === ISSUES_SHEET_NAME) texts.push(cell.text);
      });
    });
  }
  return texts;
}

function namesNoOtherUnit(text: string): void {
  for (const unit of OTHER_UNITS) expect(text, text).not.toContain(unit);
}

describe('a person on two units’ rosters', () => {
  it('Vĩnh Thạnh’s roster is accepted first', async () => {
    const { status } = await upload(VINH_THANH, [thanh, hoa, ...districtPeople(VINH_THANH, 2, 31)]);
    expect(status).toMatchObject({ status: 'accepted', accepted: true, rows: 4, issues: [] });
  });

  it('tells a link holder who types invented names with chosen ID numbers nothing about who lists them', async () => {
    const probes: Person[] = [
      { name: 'Trần Văn Dò', unit: 'BPMC huyện Phù Cát', idNumber: thanh.idNumber, phone: '0914029901' },
      { name: 'Lê Thị Thử', unit: 'BPMC huyện Phù Cát', idNumber: hoa.idNumber, phone: '0914029902' },
    ];
    const strangers: Person[] = probes.map((p, i) => ({ ...p, idNumber: `05208502990${i}` }));
    const control = await upload(PHU_CAT, strangers);
    const probed = await upload(PHU_CAT, probes);
    // The same answer as for ID numbers nobody lists: accepted, no issue, nothing to download.
    expect(probed.status).toMatchObject({ status: 'accepted', accepted: true, rows: 2, issues: [], reportUrl: null });
    expect(control.status).toMatchObject({ status: 'accepted', accepted: true, rows: 2, issues: [], reportUrl: null });
  });

  it('tells a unit listing the same people under their names only that another unit lists them, never which', async () => {
    // The same names, one typed with the tone mark on the other vowel ("Hòa" for "Hoà").
    const sameThanh: Person = { ...thanh, unit: 'BPMC huyện Phù Mỹ', phone: '0914020091' };
    const sameHoa: Person = { ...hoa, name: 'Nguyễn Thị Hòa', unit: 'BPMC huyện Phù Mỹ', phone: '0914020093' };
    const { status } = await upload(PHU_MY, [...districtPeople(PHU_MY, 1, 32), sameThanh, sameHoa]);
    expect(status).toMatchObject({ status: 'accepted', accepted: true, rows: 3 });
    const warnings = status.issues.filter((i) => i.code === 'ID_ON_OTHER_ROSTER');
    expect(warnings.map((w) => [w.row, w.severity])).toEqual([
      [8, 'warning'],
      [9, 'warning'],
    ]);
    for (const warning of warnings) expect(warning.message).toBe(ISSUES.ID_ON_OTHER_ROSTER.message());
    for (const issue of status.issues) namesNoOtherUnit(issue.message);
    // The annotated workbook, where the clerk sees which rows: no unit named there either.
    const texts = await annotatedTexts(status.reportUrl ?? '');
    expect(texts.some((t) => t.includes(ISSUES.ID_ON_OTHER_ROSTER.message()))).toBe(true);
    for (const text of texts) namesNoOtherUnit(text);
  });

  it('shows the centre every unit that lists each person, in status and in the export', async () => {
    const listedBy = new Map((await provinceOfficials(stack.current.deps.store)).map((o) => [`${o.uploaderCode} ${o.name}`, o.alsoListedBy]));
    expect(listedBy.get(`${VINH_THANH} ${thanh.name}`)).toEqual([PHU_MY, PHU_CAT]);
    expect(listedBy.get(`${PHU_CAT} Trần Văn Dò`)).toEqual([PHU_MY, VINH_THANH]);
    expect(listedBy.get(`${PHU_MY} ${thanh.name}`)).toEqual([VINH_THANH, PHU_CAT]);
    expect(listedBy.get(`${PHU_MY} Nguyễn Thị Hòa`)).toEqual([VINH_THANH, PHU_CAT]);
    const shared = Object.fromEntries((await rosterStates(stack.current.deps.store, '2021-06-25')).map((s) => [s.unit.code, s.sharedOfficials]));
    expect(shared).toMatchObject({ [VINH_THANH]: 2, [PHU_MY]: 2, [PHU_CAT]: 2 });
    // What was known when each roster was written stays on its rows: the probe is flagged for the centre.
    const probe = (await stack.current.deps.store.listCurrentOfficials(PHU_CAT)).find((o) => o.name === 'Trần Văn Dò');
    expect(probe?.sharedWith).toEqual([VINH_THANH]);
    const phuMy = await stack.current.deps.store.listCurrentOfficials(PHU_MY);
    expect(phuMy.find((o) => o.name === thanh.name)?.sharedWith).toEqual([VINH_THANH, PHU_CAT]);
  });
});
