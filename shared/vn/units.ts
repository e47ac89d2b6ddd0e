/**
 * The unit directory (Bình Định's 2021 administrative units and provincial departments) and the resolver
 * that turns what clerks write in the "Đơn vị" column ("BPMC xã Cát Hanh", "X. Bình Nghi", "TT PVHCC",
 * "xa Cat Hanh - Phu Cat") into a unit code inside the uploader's scope.
 *
 * Everything the resolver looks up is indexed once at module load; a call tokenizes its text and does a
 * handful of map look-ups. Only the suggestions for an unknown unit compare against every unit in scope.
 */
import { DEPARTMENTS, UNITS } from '../data/reference.js';
import { cleanText, foldText, toneKey } from './text.js';

// ── The directory ─────────────────────────────────────────────────────────────────────────────────────

export type UnitKind = 'province' | 'district' | 'commune' | 'department';

export interface UnitInfo {
  readonly code: string;
  /** Display name as the catalogue spells it, type word included ("Xã Cát Hanh", "Sở Tư pháp"). */
  readonly name: string;
  readonly kind: UnitKind;
  /** "Tỉnh", "Huyện", "Thị xã", "Thành phố", "Xã", "Phường", "Thị trấn", or DEPARTMENT_TYPE. */
  readonly type: string;
  /** The district of a commune, the province of a district; null for the province and departments. */
  readonly parentCode: string | null;
}

export const DEPARTMENT_TYPE = 'Cơ quan cấp tỉnh';

export const UNIT_DIRECTORY: ReadonlyMap<string, UnitInfo> = new Map<string, UnitInfo>([
  ...UNITS.map((unit): [string, UnitInfo] => [
    unit.code,
    { code: unit.code, name: unit.name, kind: unit.level, type: unit.type, parentCode: unit.parent_code || null },
  ]),
  ...DEPARTMENTS.map((department): [string, UnitInfo] => [
    department.code,
    { code: department.code, name: department.name, kind: 'department', type: DEPARTMENT_TYPE, parentCode: null },
  ]),
]);

const ALL_UNITS: readonly UnitInfo[] = [...UNIT_DIRECTORY.values()];
const UPLOADER_UNITS: readonly UnitInfo[] = [
  ...ALL_UNITS.filter((unit) => unit.kind === 'district'),
  ...ALL_UNITS.filter((unit) => unit.kind === 'department'),
];
const COMMUNES_BY_DISTRICT = new Map<string, UnitInfo[]>();
for (const unit of ALL_UNITS) {
  if (unit.kind !== 'commune' || unit.parentCode === null) continue;
  const communes = COMMUNES_BY_DISTRICT.get(unit.parentCode);
  if (communes) communes.push(unit);
  else COMMUNES_BY_DISTRICT.set(unit.parentCode, [unit]);
}
const CATALOGUE_ORDER: ReadonlyMap<string, number> = new Map(ALL_UNITS.map((unit, index) => [unit.code, index]));

export function unitByCode(code: string): UnitInfo | undefined {
  return UNIT_DIRECTORY.get(code);
}

/** The codes allowed to upload (`--unit`): district-level units and departments. */
export function isUploaderUnit(code: string): boolean {
  const kind = UNIT_DIRECTORY.get(code)?.kind;
  return kind === 'district' || kind === 'department';
}

/** Districts then departments, in catalogue order. */
export function uploaderUnits(): readonly UnitInfo[] {
  return UPLOADER_UNITS;
}

/** What an uploader may list: a district itself and its communes, wards and townships; a department itself; nothing for other codes. */
export function unitsInScope(uploaderCode: string): readonly UnitInfo[] {
  const uploader = UNIT_DIRECTORY.get(uploaderCode);
  if (uploader?.kind === 'district') return [uploader, ...(COMMUNES_BY_DISTRICT.get(uploader.code) ?? [])];
  if (uploader?.kind === 'department') return [uploader];
  return [];
}

const scopeCache = new Map<string, ReadonlySet<string>>();
function scopeOf(uploaderCode: string): ReadonlySet<string> {
  let scope = scopeCache.get(uploaderCode);
  if (!scope) {
    scope = new Set(unitsInScope(uploaderCode).map((unit) => unit.code));
    scopeCache.set(uploaderCode, scope);
  }
  return scope;
}

// ── Tokens ────────────────────────────────────────────────────────────────────────────────────────────

interface Token {
  /** Separator (",", "-", "(", …) rather than a word. */
  readonly separator: boolean;
  /** Folded, with a trailing period kept: type abbreviations are told apart by it ("x." vs "x"). */
  readonly fold: string;
  /** Folded, without the trailing period (a leading zero of a number dropped): for name keys. */
  readonly foldBare: string;
  /** Tone key without the trailing period: for exact name keys. */
  readonly toneBare: string;
}

// Words (letters, marks, digits, "&" inside abbreviations such as "TN&TKQ"), each with an optional
// trailing period ("X.", "TP."), and the separators people put between parts of a unit's name.
const TOKEN_PATTERN = /[\p{L}\p{M}\p{N}&]+\.?|[,;:()[\]/+|\-\u2010-\u2015]/gu;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const [raw] of cleanText(text).matchAll(TOKEN_PATTERN)) {
    if (!/[\p{L}\p{N}&]/u.test(raw)) {
      tokens.push({ separator: true, fold: ',', foldBare: ',', toneBare: ',' });
      continue;
    }
    const bare = raw.endsWith('.') ? raw.slice(0, -1) : raw;
    // Numbered wards ("Phường 01" = "Phường 1") exist in other provinces.
    const number = /^\d+$/.test(bare) ? String(Number(bare)) : null;
    tokens.push({
      separator: false,
      fold: foldText(raw),
      foldBare: number ?? looseSpelling(foldText(bare)),
      toneBare: number ?? toneKey(bare),
    });
  }
  return tokens;
}

/**
 * Folded words also drop the i/y spelling choice after a consonant ("Qui Nhơn" = "Quy Nhơn", "Mĩ" = "Mỹ"),
 * as the old spellings still appear; "uy" in "Thủy", "Huy" is a vowel pair and stays.
 */
function looseSpelling(foldedWord: string): string {
  return foldedWord.replace(/^(qu|[b-df-hj-np-tv-xz]+)y$/, '$1i');
}

const words = (tokens: readonly Token[]) => tokens.filter((token) => !token.separator);

/** Phrases are written folded, words separated by spaces; the longest is tried first. */
type Phrase = readonly string[];
const phrases = (...texts: string[]): readonly Phrase[] =>
  texts.map((text) => text.split(' ')).sort((a, b) => b.length - a.length);

function phraseAt(tokens: readonly Token[], start: number, phrase: Phrase): boolean {
  return phrase.every((word, offset) => tokens[start + offset]?.fold === word);
}

function phraseEndingAt(tokens: readonly Token[], end: number, phrase: Phrase): boolean {
  return end - phrase.length >= 0 && phraseAt(tokens, end - phrase.length, phrase);
}

function trimSeparators(tokens: readonly Token[]): Token[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && tokens[start]?.separator) start++;
  while (end > start && tokens[end - 1]?.separator) end--;
  return tokens.slice(start, end);
}

// ── What people write around a unit's name ────────────────────────────────────────────────────────────

/** "BPMC", "Bộ phận một cửa", "UBND"… before the unit's name (folded). */
const OFFICE_PREFIXES = phrases(
  'bpmc',
  'bp mot cua',
  'bp 1 cua',
  'bo phan mot cua',
  'bo phan 1 cua',
  'mot cua',
  'bo phan tiep nhan va tra ket qua',
  'bp tiep nhan va tra ket qua',
  'bo phan tn&tkq',
  'bp tn&tkq',
  'ubnd',
  'uy ban nhan dan',
  'van phong hdnd va ubnd',
  'vp hdnd va ubnd',
  'van phong hdnd & ubnd',
  'vp hdnd & ubnd',
  'van phong hdnd&ubnd',
  'vp hdnd&ubnd',
  'van phong ubnd',
  'vp ubnd',
  'phong noi vu',
);
/** Linking words allowed right after an office prefix: "Bộ phận một cửa của UBND xã …". */
const LINKING_WORDS = phrases('cua', 'thuoc', 'tai');

type UnitType = 'Tỉnh' | 'Thành phố' | 'Huyện' | 'Thị xã' | 'Xã' | 'Phường' | 'Thị trấn';
type Level = 'province' | 'district' | 'commune';

const TYPE_WORDS: readonly { type: UnitType; level: Level; phrases: readonly Phrase[] }[] = [
  { type: 'Thị trấn', level: 'commune', phrases: phrases('thi tran', 'tt', 'tt.', 't. t', 't. t.') },
  { type: 'Thị xã', level: 'district', phrases: phrases('thi xa', 'tx', 'tx.', 't. x', 't. x.') },
  { type: 'Thành phố', level: 'district', phrases: phrases('thanh pho', 'tp', 'tp.', 't. p', 't. p.') },
  { type: 'Xã', level: 'commune', phrases: phrases('xa', 'x', 'x.') },
  { type: 'Phường', level: 'commune', phrases: phrases('phuong', 'p', 'p.') },
  { type: 'Huyện', level: 'district', phrases: phrases('huyen', 'h', 'h.') },
  { type: 'Tỉnh', level: 'province', phrases: phrases('tinh') },
];
const LEVEL_OF_TYPE: ReadonlyMap<string, Level> = new Map(TYPE_WORDS.map((entry) => [entry.type, entry.level]));
const ALL_TYPE_PHRASES = TYPE_WORDS.flatMap((entry) => entry.phrases.map((phrase) => ({ ...entry, phrase })))
  .sort((a, b) => b.phrase.length - a.phrase.length);
const DISTRICT_TYPE_PHRASES = ALL_TYPE_PHRASES.filter((entry) => entry.level === 'district');

function typeAt(tokens: readonly Token[], start: number): { type: UnitType; length: number } | null {
  const found = ALL_TYPE_PHRASES.find((entry) => phraseAt(tokens, start, entry.phrase));
  return found ? { type: found.type, length: found.phrase.length } : null;
}

const PROVINCE_NAME: Phrase = foldText(UNITS.find((unit) => unit.level === 'province')?.name.replace(/^Tỉnh /, '') ?? '').split(' ');
const DISTRICT_NAMES: readonly { code: string; phrase: Phrase }[] = UNITS.filter((unit) => unit.level === 'district').map(
  (unit) => ({ code: unit.code, phrase: foldText(unit.name.slice(unit.type.length)).split(' ') }),
);

// ── Parsing a unit text ───────────────────────────────────────────────────────────────────────────────

interface ParsedName {
  type: UnitType | null;
  /** Tone key and folded form of the name without its type word ("cát hanh", "cat hanh"). */
  name: string;
  folded: string;
}

interface ParsedUnit {
  /** Readings of the text, most literal first (a second one drops a bare trailing district name). */
  readings: ParsedName[];
  /** A type word with no name ("BPMC huyện"). */
  typeOnly: UnitType | null;
  /** A district named after the unit ("…, huyện Phù Cát"), when it is not the uploader's own. */
  otherDistrict: string | null;
}

function stripOfficePrefixes(tokens: readonly Token[]): Token[] {
  let rest = trimSeparators(tokens);
  let strippedOffice = false;
  for (;;) {
    const hasMore = (length: number) => words(rest.slice(length)).length > 0;
    const office = OFFICE_PREFIXES.find((phrase) => phraseAt(rest, 0, phrase) && hasMore(phrase.length));
    const linking = strippedOffice ? LINKING_WORDS.find((phrase) => phraseAt(rest, 0, phrase) && hasMore(phrase.length)) : undefined;
    const strip = office ?? linking;
    if (!strip) return rest;
    strippedOffice = true;
    rest = trimSeparators(rest.slice(strip.length));
  }
}

/** True when the tokens hold a name after an optional leading type word (so a tail may be cut off). */
function holdsName(tokens: readonly Token[]): boolean {
  const type = typeAt(tokens, 0);
  return words(tokens.slice(type?.length ?? 0)).length > 0;
}

/**
 * Cuts a trailing ", tỉnh Bình Định" and ", huyện X" / "- X" / "huyện X" off the text. A district is cut
 * only after a separator or a district type word, and only when a name remains before it, so that
 * "huyện An Lão" and "thị trấn An Lão" keep their names.
 */
function stripTrailingPlaces(tokens: readonly Token[]): { tokens: Token[]; district: string | null } {
  let rest = trimSeparators(tokens);
  let district: string | null = null;
  const provinceTail = [['tinh', ...PROVINCE_NAME], PROVINCE_NAME] as const;
  for (const tail of provinceTail) {
    if (!phraseEndingAt(rest, rest.length, tail)) continue;
    const before = rest.slice(0, rest.length - tail.length);
    const marked = tail.length > PROVINCE_NAME.length || before.at(-1)?.separator === true;
    if (marked && holdsName(trimSeparators(before))) {
      rest = trimSeparators(before);
      break;
    }
  }
  for (const { code, phrase } of DISTRICT_NAMES) {
    if (!phraseEndingAt(rest, rest.length, phrase)) continue;
    let before = rest.slice(0, rest.length - phrase.length);
    const typeWord = DISTRICT_TYPE_PHRASES.find((entry) => phraseEndingAt(before, before.length, entry.phrase));
    if (typeWord) before = before.slice(0, before.length - typeWord.phrase.length);
    const separated = before.at(-1)?.separator === true;
    before = trimSeparators(before);
    if ((typeWord || separated) && holdsName(before)) {
      rest = before;
      district = code;
    }
    break;
  }
  return { tokens: rest, district };
}

function readName(tokens: readonly Token[]): ParsedName & { empty: boolean } {
  const type = typeAt(tokens, 0);
  const nameWords = words(tokens.slice(type?.length ?? 0));
  return {
    type: type?.type ?? null,
    name: nameWords.map((token) => token.toneBare).join(' '),
    folded: nameWords.map((token) => token.foldBare).join(' '),
    empty: nameWords.length === 0,
  };
}

function parseUnitText(tokens: readonly Token[], ownDistrict: string | null): ParsedUnit | null {
  const { tokens: core, district } = stripTrailingPlaces(stripOfficePrefixes(tokens));
  const primary = readName(core);
  if (primary.empty) return primary.type ? { readings: [], typeOnly: primary.type, otherDistrict: null } : null;
  const readings: ParsedName[] = [primary];
  // "xã Cát Hanh Phù Cát": the uploader's own district typed after the name with nothing between.
  const own = DISTRICT_NAMES.find((entry) => entry.code === ownDistrict);
  if (own && district === null) {
    const ownTail = ` ${own.phrase.join(' ')}`;
    if (primary.folded.endsWith(ownTail)) {
      const cut = words(core).length - own.phrase.length;
      const shorter = readName(core.filter((token) => !token.separator).slice(0, cut));
      if (!shorter.empty) readings.push(shorter);
    }
  }
  return { readings, typeOnly: null, otherDistrict: district !== null && district !== ownDistrict ? district : null };
}

// ── Indexes ───────────────────────────────────────────────────────────────────────────────────────────

const typedKey = (type: string, name: string) => `${type}\u0000${name}`;

function addTo(index: Map<string, string[]>, key: string, code: string): void {
  const list = index.get(key);
  if (list) list.push(code);
  else index.set(key, [code]);
}

const BY_TYPED_NAME = new Map<string, string[]>();
const BY_NAME = new Map<string, string[]>();
const BY_FOLDED_TYPED_NAME = new Map<string, string[]>();
const BY_FOLDED_NAME = new Map<string, string[]>();
const FOLDED_NAME_OF = new Map<string, string>();

for (const unit of UNITS) {
  const { name, folded } = readName(tokenize(unit.name.slice(unit.type.length)));
  addTo(BY_TYPED_NAME, typedKey(unit.type, name), unit.code);
  addTo(BY_NAME, name, unit.code);
  addTo(BY_FOLDED_TYPED_NAME, typedKey(unit.type, folded), unit.code);
  addTo(BY_FOLDED_NAME, folded, unit.code);
  FOLDED_NAME_OF.set(unit.code, folded);
}
for (const department of DEPARTMENTS) FOLDED_NAME_OF.set(department.code, foldText(department.name));

/**
 * Department keys: all words run together ("Sở KH&ĐT" = "Sở KH-ĐT" = "sởkhđt"), without a trailing
 * "tỉnh" or "(tỉnh) Bình Định" ("Sở Tư pháp tỉnh Bình Định" = "Sở Tư pháp").
 */
function departmentKeys(tokens: readonly Token[]): { exact: string; folded: string } {
  let rest = words(tokens);
  if (phraseEndingAt(rest, rest.length, PROVINCE_NAME) && rest.length > PROVINCE_NAME.length) rest = rest.slice(0, -PROVINCE_NAME.length);
  if (rest.at(-1)?.fold === 'tinh' && rest.length > 1) rest = rest.slice(0, -1);
  const join = (pick: (token: Token) => string) => rest.map(pick).join('').replace(/&/g, '');
  return { exact: join((token) => token.toneBare), folded: join((token) => token.foldBare) };
}

const DEPARTMENT_BY_KEY = new Map<string, string[]>();
const DEPARTMENT_BY_FOLDED_KEY = new Map<string, string[]>();
for (const department of DEPARTMENTS) {
  for (const label of [department.name, ...department.aliases.split('|')]) {
    const keys = departmentKeys(tokenize(label));
    if (!DEPARTMENT_BY_KEY.get(keys.exact)?.includes(department.code)) addTo(DEPARTMENT_BY_KEY, keys.exact, department.code);
    if (!DEPARTMENT_BY_FOLDED_KEY.get(keys.folded)?.includes(department.code)) {
      addTo(DEPARTMENT_BY_FOLDED_KEY, keys.folded, department.code);
    }
  }
}

// ── Matching ──────────────────────────────────────────────────────────────────────────────────────────

interface Match {
  codes: string[];
  inexact: boolean;
}

/** Department names and aliases, tried on the text as written and without its office prefix. */
function matchDepartment(tokens: readonly Token[]): Match | null {
  const variants = [tokens, stripOfficePrefixes(tokens)].map(departmentKeys);
  for (const keys of variants) {
    const codes = DEPARTMENT_BY_KEY.get(keys.exact);
    if (codes) return { codes, inexact: false };
  }
  for (const keys of variants) {
    const codes = DEPARTMENT_BY_FOLDED_KEY.get(keys.folded);
    if (codes) return { codes, inexact: true };
  }
  return null;
}

/**
 * The units among `accept` that a reading names, at the first stage that finds any:
 * exact (type and name, or name alone when no type word was written); then, inexact, the name with
 * another type word (same level first: "xã Cát Tiến" → Thị trấn Cát Tiến); then the same two on text
 * without diacritics.
 */
function matchReading(reading: ParsedName, accept: (code: string) => boolean): Match | null {
  const { type } = reading;
  const inScope = (codes: readonly string[] | undefined) => (codes ?? []).filter(accept);
  const sameLevelFirst = (codes: string[]) => {
    const level = type ? LEVEL_OF_TYPE.get(type) : undefined;
    const sameLevel = codes.filter((code) => UNIT_DIRECTORY.get(code)?.kind === level);
    return sameLevel.length > 0 ? sameLevel : codes;
  };
  const stages: [codes: string[], inexact: boolean][] = type
    ? [
        [inScope(BY_TYPED_NAME.get(typedKey(type, reading.name))), false],
        [sameLevelFirst(inScope(BY_NAME.get(reading.name))), true],
        [inScope(BY_FOLDED_TYPED_NAME.get(typedKey(type, reading.folded))), true],
        [sameLevelFirst(inScope(BY_FOLDED_NAME.get(reading.folded))), true],
      ]
    : [
        [inScope(BY_NAME.get(reading.name)), false],
        [inScope(BY_FOLDED_NAME.get(reading.folded)), true],
      ];
  const found = stages.find(([codes]) => codes.length > 0);
  return found ? { codes: found[0], inexact: found[1] } : null;
}

function matchReadings(readings: readonly ParsedName[], accept: (code: string) => boolean): Match | null {
  for (const reading of readings) {
    const match = matchReading(reading, accept);
    if (match) return match;
  }
  return null;
}

type Location =
  | { kind: 'in-scope'; code: string; inexact: boolean }
  | { kind: 'ambiguous'; codes: string[] }
  | { kind: 'out-of-scope'; codes: string[] }
  | { kind: 'unknown'; readings: ParsedName[] };

/**
 * Longer than any way of writing a unit ("Bộ phận tiếp nhận và trả kết quả Ủy ban nhân dân thị trấn Ngô
 * Mây, huyện Phù Cát, tỉnh Bình Định" is under 100): longer text is not read, so a hostile cell costs nothing.
 */
export const MAX_UNIT_TEXT_LENGTH = 250;

function locate(text: string, uploaderCode: string, typeOnlyMeansUploader: boolean): Location {
  if (text.length > MAX_UNIT_TEXT_LENGTH) return { kind: 'unknown', readings: [] };
  const scope = scopeOf(uploaderCode);
  const tokens = tokenize(text);
  if (words(tokens).length === 0) return { kind: 'unknown', readings: [] };
  const settle = (match: Match): Location => {
    const inside = match.codes.filter((code) => scope.has(code));
    if (inside.length === 1 && inside[0] !== undefined) return { kind: 'in-scope', code: inside[0], inexact: match.inexact };
    if (inside.length > 1) return { kind: 'ambiguous', codes: inside };
    return { kind: 'out-of-scope', codes: match.codes };
  };

  // Aliases first: "TT PVHCC" is the province centre, not a thị trấn.
  const department = matchDepartment(tokens);
  if (department) return settle(department);

  const uploader = UNIT_DIRECTORY.get(uploaderCode);
  const ownDistrict = uploader?.kind === 'district' ? uploader.code : null;
  const parsed = parseUnitText(tokens, ownDistrict);
  if (!parsed) return { kind: 'unknown', readings: [] };
  if (parsed.typeOnly) {
    // "BPMC huyện" on a district's own roster is that district's one-stop shop.
    return typeOnlyMeansUploader && uploader?.type === parsed.typeOnly && ownDistrict
      ? { kind: 'in-scope', code: ownDistrict, inexact: true }
      : { kind: 'unknown', readings: [] };
  }

  const { readings, otherDistrict } = parsed;
  if (otherDistrict) {
    const elsewhere = matchReadings(readings, (code) => code === otherDistrict || UNIT_DIRECTORY.get(code)?.parentCode === otherDistrict);
    if (elsewhere) return { kind: 'out-of-scope', codes: elsewhere.codes };
  }
  const inScope = matchReadings(readings, (code) => scope.has(code));
  if (inScope) {
    const location = settle(inScope);
    // A wrong district after a name of the uploader's own: understood, but worth a second look.
    return location.kind === 'in-scope' && otherDistrict ? { ...location, inexact: true } : location;
  }
  const anywhere = matchReadings(readings, () => true);
  return anywhere ? { kind: 'out-of-scope', codes: anywhere.codes } : { kind: 'unknown', readings };
}

// ── Public resolvers ──────────────────────────────────────────────────────────────────────────────────

export type UnitResolution =
  | { ok: true; code: string; inexact: boolean }
  | {
      ok: false;
      error: 'UNIT_UNKNOWN' | 'UNIT_OUT_OF_SCOPE' | 'UNIT_AMBIGUOUS';
      /** Display names of the closest units, closest first, at most MAX_CANDIDATES. */
      candidates: string[];
    };

export const MAX_CANDIDATES = 3;

/**
 * Resolves the "Đơn vị" text of a roster row to a unit code in the uploader's scope. `inexact` means the
 * text had to be read loosely (no diacritics, a type word the catalogue no longer uses, a wrong district
 * after the name, "BPMC huyện" alone): accepted, but the clerk should be told what it was read as.
 */
export function resolveUnit(text: string, uploaderCode: string): UnitResolution {
  const location = locate(text, uploaderCode, true);
  switch (location.kind) {
    case 'in-scope':
      return { ok: true, code: location.code, inexact: location.inexact };
    case 'ambiguous':
      return { ok: false, error: 'UNIT_AMBIGUOUS', candidates: displayNames(location.codes) };
    case 'out-of-scope':
      return { ok: false, error: 'UNIT_OUT_OF_SCOPE', candidates: displayNamesWithParent(location.codes) };
    case 'unknown':
      return { ok: false, error: 'UNIT_UNKNOWN', candidates: suggestions(location.readings, uploaderCode) };
  }
}

export type SenderResolution =
  | { kind: 'match'; code: string }
  | { kind: 'out-of-scope'; code: string; name: string }
  | { kind: 'unknown' };

/**
 * Resolves the text after "Đơn vị cung cấp:". Any unit in the uploader's scope is a match (an ambiguous
 * name is too: every reading is the uploader's); a known unit outside it is out of scope; the template's
 * dots ("……"), a type word alone ("UBND huyện ……") or unrecognized text is unknown.
 */
export function resolveSender(text: string, uploaderCode: string): SenderResolution {
  const location = locate(text, uploaderCode, false);
  switch (location.kind) {
    case 'in-scope':
      return { kind: 'match', code: location.code };
    case 'ambiguous':
      return { kind: 'match', code: location.codes.includes(uploaderCode) ? uploaderCode : (location.codes[0] ?? uploaderCode) };
    case 'out-of-scope': {
      const unit = byCatalogueOrder(location.codes)[0];
      return unit ? { kind: 'out-of-scope', code: unit.code, name: unit.name } : { kind: 'unknown' };
    }
    case 'unknown':
      return { kind: 'unknown' };
  }
}

function byCatalogueOrder(codes: readonly string[]): UnitInfo[] {
  return [...new Set(codes)]
    .sort((a, b) => (CATALOGUE_ORDER.get(a) ?? 0) - (CATALOGUE_ORDER.get(b) ?? 0))
    .flatMap((code) => UNIT_DIRECTORY.get(code) ?? []);
}

function displayNames(codes: readonly string[]): string[] {
  return [...new Set(byCatalogueOrder(codes).map((unit) => unit.name))].slice(0, MAX_CANDIDATES);
}

/** "Xã Cát Hanh (Huyện Phù Cát)": where a unit outside the uploader's scope belongs, so the clerk sees why. */
function displayNamesWithParent(codes: readonly string[]): string[] {
  const named = byCatalogueOrder(codes).map((unit) => {
    const parent = unit.kind === 'commune' && unit.parentCode ? UNIT_DIRECTORY.get(unit.parentCode)?.name : undefined;
    return parent ? `${unit.name} (${parent})` : unit.name;
  });
  return [...new Set(named)].slice(0, MAX_CANDIDATES);
}

/** Units in scope whose folded name is within a few edits of what was typed, closest first. */
function suggestions(readings: readonly ParsedName[], uploaderCode: string): string[] {
  if (readings.length === 0) return [];
  const ranked = unitsInScope(uploaderCode)
    .map((unit) => {
      const unitName = FOLDED_NAME_OF.get(unit.code) ?? '';
      const limit = Math.max(2, Math.floor(unitName.length * 0.4));
      // The length difference bounds the distance from below: a pasted paragraph costs nothing.
      const distance = Math.min(
        ...readings.map((reading) =>
          Math.abs(reading.folded.length - unitName.length) > limit ? Number.POSITIVE_INFINITY : editDistance(reading.folded, unitName),
        ),
      );
      const typeDiffers = readings[0]?.type != null && readings[0].type !== unit.type;
      return { unit, distance, limit, typeDiffers };
    })
    .filter((entry) => entry.distance <= entry.limit)
    .sort((a, b) => a.distance - b.distance || Number(a.typeDiffers) - Number(b.typeDiffers));
  return [...new Set(ranked.map((entry) => entry.unit.name))].slice(0, MAX_CANDIDATES);
}

/** Levenshtein distance (two rows; the strings are short unit names). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
