import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, UNITS } from '../../../shared/data/reference.js';
import { foldText } from '../../../shared/vn/text.js';
import {
  isUploaderUnit,
  resolveSender,
  resolveUnit,
  UNIT_DIRECTORY,
  unitByCode,
  unitsInScope,
  uploaderUnits,
} from '../../../shared/vn/units.js';

const PHU_CAT = '548';
const HOAI_AN = '544';
const AN_LAO = '542';
const TAY_SON = '547';
const AN_NHON = '549';
const QUY_NHON = '540';
const CAT_HANH = '21871';
const TT_PVHCC = 'trung-tam-phuc-vu-hanh-chinh-cong';

describe('the unit directory', () => {
  it('describes every unit and department by its code', () => {
    expect(unitByCode('52')).toEqual({ code: '52', name: 'Tỉnh Bình Định', kind: 'province', type: 'Tỉnh', parentCode: null });
    expect(unitByCode(PHU_CAT)).toEqual({ code: PHU_CAT, name: 'Huyện Phù Cát', kind: 'district', type: 'Huyện', parentCode: '52' });
    expect(unitByCode(CAT_HANH)).toEqual({ code: CAT_HANH, name: 'Xã Cát Hanh', kind: 'commune', type: 'Xã', parentCode: PHU_CAT });
    expect(unitByCode('so-tu-phap')).toMatchObject({ name: 'Sở Tư pháp', kind: 'department', parentCode: null });
    expect(unitByCode('999')).toBeUndefined();
    expect(UNIT_DIRECTORY.size).toBe(UNITS.length + DEPARTMENTS.length);
  });

  it.each([
    [PHU_CAT, true],
    [AN_NHON, true],
    [QUY_NHON, true],
    ['so-tu-phap', true],
    [TT_PVHCC, true],
    ['52', false],
    [CAT_HANH, false],
    ['', false],
    ['549 ', false],
  ])('isUploaderUnit(%j) is %s', (code, expected) => {
    expect(isUploaderUnit(code)).toBe(expected);
  });

  it('lists the uploaders: the 11 districts, then the 22 departments, in catalogue order', () => {
    const uploaders = uploaderUnits();
    expect(uploaders).toHaveLength(33);
    expect(uploaders.slice(0, 11).map((u) => u.code)).toEqual(UNITS.filter((u) => u.level === 'district').map((u) => u.code));
    expect(uploaders.slice(11).map((u) => u.code)).toEqual(DEPARTMENTS.map((d) => d.code));
  });

  it('gives a district itself and its communes, wards and townships as its scope', () => {
    const scope = unitsInScope(AN_NHON);
    expect(scope[0]?.code).toBe(AN_NHON);
    expect(scope).toHaveLength(1 + 15);
    expect(scope.slice(1).every((u) => u.parentCode === AN_NHON && u.kind === 'commune')).toBe(true);
    // Xã Phước Mỹ's code sits among Tuy Phước's, but the catalogue places it in Quy Nhơn.
    expect(unitsInScope(QUY_NHON).map((u) => u.code)).toContain('21991');
  });

  it('gives a department only itself, and anything else nothing', () => {
    expect(unitsInScope('so-y-te').map((u) => u.code)).toEqual(['so-y-te']);
    expect(unitsInScope(CAT_HANH)).toEqual([]);
    expect(unitsInScope('52')).toEqual([]);
  });
});

describe('resolveUnit', () => {
  it.each([
    // the ways people write the one-stop shop around the name
    ['BPMC xã Cát Hanh'],
    ['Xã Cát Hanh'],
    ['Cát Hanh'],
    ['Bộ phận một cửa xã Cát Hanh'],
    ['Bộ phận một cửa UBND xã Cát Hanh'],
    ['Bộ phận một cửa của UBND xã Cát Hanh'],
    ['Bộ phận tiếp nhận và trả kết quả xã Cát Hanh'],
    ['Bộ phận tiếp nhận và trả kết quả UBND xã Cát Hanh'],
    ['UBND xã Cát Hanh'],
    ['Ủy ban nhân dân xã Cát Hanh'],
    ['Uỷ ban nhân dân xã Cát Hanh'],
    ['BPMC - UBND xã Cát Hanh'],
    // type abbreviations
    ['X. Cát Hanh'],
    ['X.Cát Hanh'],
    ['x Cát Hanh'],
    // any case, any spacing
    ['bpmc XÃ CÁT HANH'],
    ['  BPMC   xã  Cát   Hanh  '],
    ['BPMC xã Cát Hanh.'],
    // a trailing mention of the uploader's own district (and province)
    ['xã Cát Hanh, huyện Phù Cát'],
    ['xã Cát Hanh - Phù Cát'],
    ['xã Cát Hanh (Phù Cát)'],
    ['xã Cát Hanh huyện Phù Cát'],
    ['xã Cát Hanh, H. Phù Cát'],
    ['xã Cát Hanh Phù Cát'],
    ['xã Cát Hanh, huyện Phù Cát, tỉnh Bình Định'],
    ['xã Cát Hanh - Bình Định'],
  ])('reads "%s" as Xã Cát Hanh', (text) => {
    expect(resolveUnit(text, PHU_CAT)).toEqual({ ok: true, code: CAT_HANH, inexact: false });
  });

  it.each([
    ['xã', 'BPMC xã Tây Xuân', TAY_SON, '21844'],
    ['X.', 'X. Bình Nghi', TAY_SON, '21847'],
    ['phường', 'BPMC phường Bình Định', AN_NHON, '21907'],
    ['P.', 'P. Bình Định', AN_NHON, '21907'],
    ['P', 'P Bình Định', AN_NHON, '21907'],
    ['thị trấn', 'BPMC thị trấn Ngô Mây', PHU_CAT, '21853'],
    ['TT', 'TT Ngô Mây', PHU_CAT, '21853'],
    ['TT.', 'TT. Ngô Mây', PHU_CAT, '21853'],
    ['huyện', 'BPMC huyện Phù Cát', PHU_CAT, PHU_CAT],
    ['H.', 'BPMC H. Phù Cát', PHU_CAT, PHU_CAT],
    ['thị xã', 'UBND thị xã An Nhơn', AN_NHON, AN_NHON],
    ['TX', 'BPMC TX An Nhơn', AN_NHON, AN_NHON],
    ['TX.', 'BPMC TX. An Nhơn', AN_NHON, AN_NHON],
    ['thành phố', 'Bộ phận một cửa thành phố Quy Nhơn', QUY_NHON, QUY_NHON],
    ['TP', 'BPMC TP Quy Nhơn', QUY_NHON, QUY_NHON],
    ['TP.', 'BPMC TP.Quy Nhơn', QUY_NHON, QUY_NHON],
    ['no type word, unique in scope', 'BPMC Bình Định', AN_NHON, '21907'],
    ['the district by its name alone', 'UBND Phù Cát', PHU_CAT, PHU_CAT],
  ])('accepts the type word %s: "%s"', (_label, text, uploader, code) => {
    expect(resolveUnit(text, uploader)).toEqual({ ok: true, code, inexact: false });
  });

  it.each([
    ['catalogue "Nhơn Hoà", typed "Nhơn Hòa"', 'Phường Nhơn Hòa', AN_NHON, '21943'],
    ['catalogue "Nhơn Hoà", typed "Nhơn Hoà"', 'Phường Nhơn Hoà', AN_NHON, '21943'],
    ['catalogue "An Hòa", typed "An Hoà"', 'Xã An Hoà', AN_LAO, '21628'],
    ['catalogue "Canh Hòa", typed "Canh Hoà"', 'xã Canh Hoà', '551', '22012'],
    ['decomposed Unicode', 'BPMC xã Cát Hanh'.normalize('NFD'), PHU_CAT, CAT_HANH],
  ])('treats tone-mark placement variants as equal: %s', (_label, text, uploader, code) => {
    expect(resolveUnit(text, uploader)).toEqual({ ok: true, code, inexact: false });
  });

  it.each([
    ['no diacritics', 'BPMC xa Cat Hanh', PHU_CAT, CAT_HANH],
    ['no diacritics, capitals', 'BPMC XA CAT HANH', PHU_CAT, CAT_HANH],
    ['no diacritics, district trailing', 'xa Cat Hanh - huyen Phu Cat', PHU_CAT, CAT_HANH],
    ['no diacritics, a ward', 'p. nhon hoa', AN_NHON, '21943'],
    ['a wrong diacritic', 'xã Cát Hạnh', PHU_CAT, CAT_HANH],
    ['Cát Tiến became a thị trấn in 2020', 'xã Cát Tiến', PHU_CAT, '21898'],
    ['Cát Tiến without diacritics and with the old type', 'xa Cat Tien', PHU_CAT, '21898'],
    ['Hoài Nhơn became a thị xã in 2020', 'huyện Hoài Nhơn', '543', '543'],
    ['the old spelling Qui Nhơn', 'Thành phố Qui Nhơn', QUY_NHON, QUY_NHON],
    ['the old spelling Dak Mang', 'xã Dak Mang', HOAI_AN, '21700'],
    ['"xã" for the only commune-level An Lão', 'xã An Lão', AN_LAO, '21609'],
    ['a misplaced ^ (An Nghĩa is in An Lão, Ân Nghĩa in Hoài Ân)', 'xã An Nghĩa', HOAI_AN, '21727'],
    ['"BPMC huyện" on a district’s own roster', 'BPMC huyện', PHU_CAT, PHU_CAT],
    ['the right commune after another district', 'xã Cát Hanh, huyện Hoài Ân', PHU_CAT, CAT_HANH],
  ])('accepts loosely, with inexact: %s', (_label, text, uploader, code) => {
    expect(resolveUnit(text, uploader)).toEqual({ ok: true, code, inexact: true });
  });

  it.each([
    ['An Lão', AN_LAO, ['Huyện An Lão', 'Thị trấn An Lão']],
    ['BPMC An Lão', AN_LAO, ['Huyện An Lão', 'Thị trấn An Lão']],
    ['an lao', AN_LAO, ['Huyện An Lão', 'Thị trấn An Lão']],
    ['Vĩnh Thạnh', '546', ['Huyện Vĩnh Thạnh', 'Thị trấn Vĩnh Thạnh']],
    ['UBND Tuy Phước', '550', ['Huyện Tuy Phước', 'Thị trấn Tuy Phước']],
  ])('calls a name the district shares with its own township ambiguous: "%s"', (text, uploader, candidates) => {
    expect(resolveUnit(text, uploader)).toEqual({ ok: false, error: 'UNIT_AMBIGUOUS', candidates });
  });

  it.each([
    ['huyện An Lão', AN_LAO],
    ['thị trấn An Lão', '21609'],
    ['TT An Lão', '21609'],
    ['thị trấn An Lão, huyện An Lão', '21609'],
    ['BPMC huyện An Lão - tỉnh Bình Định', AN_LAO],
  ])('resolves the shared name once a type word tells which: "%s"', (text, code) => {
    expect(resolveUnit(text, AN_LAO)).toEqual({ ok: true, code, inexact: false });
  });

  it.each([
    ['BPMC xã Cát Hanh', HOAI_AN, ['Xã Cát Hanh (Huyện Phù Cát)']],
    ['xã Cát Hanh, huyện Phù Cát', HOAI_AN, ['Xã Cát Hanh (Huyện Phù Cát)']],
    ['xa Cat Hanh', HOAI_AN, ['Xã Cát Hanh (Huyện Phù Cát)']],
    ['BPMC huyện Phù Cát', HOAI_AN, ['Huyện Phù Cát']],
    ['Phường Ngô Mây', HOAI_AN, ['Phường Ngô Mây (Thành phố Quy Nhơn)']],
    ['Ngô Mây', HOAI_AN, ['Phường Ngô Mây (Thành phố Quy Nhơn)', 'Thị trấn Ngô Mây (Huyện Phù Cát)']],
    ['Sở Tư pháp', PHU_CAT, ['Sở Tư pháp']],
    ['TT PVHCC', PHU_CAT, ['Trung tâm Phục vụ hành chính công tỉnh']],
    ['xã Cát Hanh', 'so-tu-phap', ['Xã Cát Hanh (Huyện Phù Cát)']],
    ['UBND tỉnh Bình Định', PHU_CAT, ['Tỉnh Bình Định']],
  ])('refuses a real unit outside the uploader’s scope: "%s" from %s', (text, uploader, candidates) => {
    expect(resolveUnit(text, uploader)).toEqual({ ok: false, error: 'UNIT_OUT_OF_SCOPE', candidates });
  });

  it.each([
    ['a misspelt commune', 'xã Cát Hnah', PHU_CAT, ['Xã Cát Hanh']],
    ['a misspelt commune without diacritics', 'BPMC xa Cat Mihn', PHU_CAT, ['Xã Cát Minh']],
    ['a misspelt ward', 'phường Bình Địng', AN_NHON, ['Phường Bình Định']],
  ])('refuses %s as unknown, naming the closest units', (_label, text, uploader, closest) => {
    const result = resolveUnit(text, uploader);
    expect(result).toMatchObject({ ok: false, error: 'UNIT_UNKNOWN' });
    if (!result.ok) {
      expect(result.candidates.slice(0, closest.length)).toEqual(closest);
      expect(result.candidates.length).toBeLessThanOrEqual(3);
    }
  });

  it.each([
    ['the template’s sample unit', 'BPMC huyện A'],
    ['a made-up name', 'xã Zzz'],
    ['dots', '……'],
    ['the empty string', ''],
    ['a type word alone that is not the uploader’s', 'BPMC xã'],
    ['a pasted paragraph', `BPMC xã Cát Hanh ${'và các đơn vị khác '.repeat(20)}`],
  ])('refuses %s as unknown, with no far-fetched candidates', (_label, text) => {
    expect(resolveUnit(text, PHU_CAT)).toEqual({ ok: false, error: 'UNIT_UNKNOWN', candidates: [] });
  });

  it.each(
    DEPARTMENTS.flatMap((department) =>
      [department.name, ...department.aliases.split('|')].map((label) => [label, department.code] as const),
    ),
  )('reads the department name or alias "%s" as %s', (label, code) => {
    expect(resolveUnit(label, code)).toEqual({ ok: true, code, inexact: false });
  });

  it.each([
    ['TT PVHCC', TT_PVHCC],
    ['BPMC Trung tâm Phục vụ hành chính công tỉnh Bình Định', TT_PVHCC],
    ['Sở KH & ĐT', 'so-ke-hoach-va-dau-tu'],
    ['sở kh&đt', 'so-ke-hoach-va-dau-tu'],
    ['Sở Tư pháp tỉnh Bình Định', 'so-tu-phap'],
    ['Bộ phận một cửa Sở Tư pháp', 'so-tu-phap'],
    ['Sở Văn hoá và Thể thao', 'so-van-hoa-va-the-thao'],
    ['Sở Văn hóa và Thể thao', 'so-van-hoa-va-the-thao'],
    ['Văn phòng UBND tỉnh', 'van-phong-ubnd-tinh'],
  ])('reads the department in "%s"', (text, code) => {
    expect(resolveUnit(text, code)).toEqual({ ok: true, code, inexact: false });
  });

  it('tries department aliases before type abbreviations: "TT PVHCC" is no thị trấn', () => {
    expect(resolveUnit('TT PVHCC', TT_PVHCC)).toEqual({ ok: true, code: TT_PVHCC, inexact: false });
  });

  it('reads a department typed without diacritics loosely', () => {
    expect(resolveUnit('So Tu phap', 'so-tu-phap')).toEqual({ ok: true, code: 'so-tu-phap', inexact: true });
  });

  it('reads every department typed without diacritics', () => {
    for (const department of DEPARTMENTS) {
      expect(resolveUnit(foldText(department.name), department.code)).toMatchObject({ ok: true, code: department.code });
    }
  });

  it('reads every unit of every district by its catalogue name, with BPMC, and without diacritics', () => {
    for (const uploader of uploaderUnits().filter((unit) => unit.kind === 'district')) {
      for (const unit of unitsInScope(uploader.code)) {
        expect(resolveUnit(unit.name, uploader.code)).toEqual({ ok: true, code: unit.code, inexact: false });
        expect(resolveUnit(`BPMC ${unit.name}`, uploader.code)).toEqual({ ok: true, code: unit.code, inexact: false });
        // Loose only where the name itself lost its diacritics ("phuong Quang Trung" is exact).
        const nameAlone = unit.name.slice(unit.type.length);
        expect(resolveUnit(foldText(unit.name), uploader.code)).toEqual({
          ok: true,
          code: unit.code,
          inexact: foldText(nameAlone) !== nameAlone.trim().toLowerCase(),
        });
      }
    }
  });

  it('never throws, whatever the text or uploader', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom(PHU_CAT, AN_LAO, TT_PVHCC, '52', 'nope'), (text, uploader) => {
        const result = resolveUnit(text, uploader);
        if (!result.ok) expect(result.candidates.length).toBeLessThanOrEqual(3);
      }),
    );
  });
});

describe('resolveSender', () => {
  it.each([
    ['UBND huyện Vĩnh Thạnh', '546', '546'],
    ['Ủy ban nhân dân huyện Vĩnh Thạnh', '546', '546'],
    ['UBND huyen Vinh Thanh', '546', '546'],
    ['Phòng Nội vụ huyện Vĩnh Thạnh', '546', '546'],
    ['UBND xã Vĩnh Thuận', '546', '21804'],
    ['UBND thị xã An Nhơn', AN_NHON, AN_NHON],
    ['UBND huyện An Lão', AN_LAO, AN_LAO],
    ['An Lão', AN_LAO, AN_LAO],
    ['Sở Tư pháp', 'so-tu-phap', 'so-tu-phap'],
    ['Trung tâm Phục vụ hành chính công tỉnh', TT_PVHCC, TT_PVHCC],
  ])('matches "%s" for %s', (text, uploader, code) => {
    expect(resolveSender(text, uploader)).toEqual({ kind: 'match', code });
  });

  it.each([
    ['UBND huyện Phù Cát', '546', PHU_CAT, 'Huyện Phù Cát'],
    ['UBND xã Cát Hanh', HOAI_AN, CAT_HANH, 'Xã Cát Hanh'],
    ['Sở Y tế', PHU_CAT, 'so-y-te', 'Sở Y tế'],
  ])('names the unit of "%s" as outside the scope of %s', (text, uploader, code, name) => {
    expect(resolveSender(text, uploader)).toEqual({ kind: 'out-of-scope', code, name });
  });

  it.each([['……'], ['...'], [''], ['   '], ['UBND huyện ……'], ['UBND huyện ...'], ['Phòng ban nào đó'], ['huyện A']])(
    'does not recognize "%s"',
    (text) => {
      expect(resolveSender(text, '546')).toEqual({ kind: 'unknown' });
    },
  );
});
