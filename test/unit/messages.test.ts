/**
 * The shared message catalogue (shared/messages.ts): every entry is Vietnamese a user can read, fills its
 * placeholders, and reaches the browser pages unchanged through the generated web/static/messages.js; no
 * surface keeps its own copy of a catalogue sentence.
 */
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { API_ERRORS, apiErrorMessage } from '../../functions/api/errors.js';
import { MESSAGES_SCRIPT_PATH, renderMessagesScript } from '../../scripts/build-messages.js';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/config.js';
import { ISSUES } from '../../shared/issues.js';
import { fillMessage, fillText, MESSAGE_KEYS, MESSAGES, type MessageKey } from '../../shared/messages.js';
import { COLUMN_LABELS } from '../../shared/workbook/annotate.js';

/** A letter only Vietnamese writes: a message without one has lost its diacritics (or is not Vietnamese). */
const VIETNAMESE_LETTER = /[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]/iu;
const PLACEHOLDER = /\{(\w+)\}/g;

const placeholdersOf = (text: string) => [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');

describe('every catalogue entry', () => {
  it.each(MESSAGE_KEYS.map((key) => [key, MESSAGES[key]] as const))('%s is Vietnamese with its diacritics', (_key, text) => {
    expect(text).toMatch(VIETNAMESE_LETTER);
    expect(text).toBe(text.normalize('NFC'));
    expect(text).toBe(text.trim());
    // A brace that is not a `{name}` placeholder would be shown to the user as is.
    expect(text.replace(PLACEHOLDER, '')).not.toMatch(/[{}]/);
  });

  it.each(MESSAGE_KEYS.map((key) => [key, MESSAGES[key]] as const))('%s has every placeholder filled', (_key, text) => {
    const values = Object.fromEntries(placeholdersOf(text).map((name) => [name, `«${name}»`]));
    const filled = fillText(text, values);
    expect(filled).not.toMatch(/[{}]/);
    for (const name of placeholdersOf(text)) expect(filled).toContain(`«${name}»`);
  });

  it('fills only limits, labels, unit codes and names, months and times: never personal data', () => {
    const names = new Set(MESSAGE_KEYS.flatMap((key) => placeholdersOf(MESSAGES[key])));
    expect([...names].sort()).toEqual(['action', 'code', 'holder', 'limit', 'period', 'revokedBefore', 'sentAt']);
  });
});

describe('filling a message', () => {
  it.each([
    ['FILE_TOO_LARGE', () => fillMessage('FILE_TOO_LARGE', { limit: '2 MB' }), 'Tệp quá lớn (tối đa 2 MB).'],
    ['NO_FILE', () => fillMessage('NO_FILE', { action: 'Tải danh sách lên' }), 'Vui lòng chọn tệp trước khi bấm “Tải danh sách lên”.'],
    ['UNKNOWN_UNIT_CODE', () => fillMessage('UNKNOWN_UNIT_CODE', { code: '21871' }), 'Mã đơn vị "21871" không phải huyện'],
    ['INTERNAL (no placeholder)', () => fillMessage('INTERNAL'), 'Hệ thống đang gặp sự cố.'],
  ])('%s', (_what, fillIn, expected) => {
    expect(fillIn()).toContain(expected);
  });

  it('leaves an unknown placeholder as written, as the pages do', () => {
    expect(fillText('{a} và {b}', { a: 1 })).toBe('1 và {b}');
  });
});

describe('one sentence, every surface', () => {
  // The validator's verdict, the API's refusal and the page's own check read the same words.
  it.each([
    ['FILE_EMPTY', ISSUES.FILE_EMPTY.message(), API_ERRORS.FILE_EMPTY.message],
    ['UPLOAD_CANCELLED', ISSUES.UPLOAD_CANCELLED.message(), MESSAGES.UPLOAD_CANCELLED],
    ['FILE_XLS_FORMAT', ISSUES.FILE_XLS_FORMAT.message(), MESSAGES.FILE_XLS_FORMAT],
    ['FILE_WORD_DOCUMENT', ISSUES.FILE_WORD_DOCUMENT.message(), MESSAGES.FILE_WORD_DOCUMENT],
    ['FILE_ODS_FORMAT', ISSUES.FILE_ODS_FORMAT.message(), MESSAGES.FILE_ODS_FORMAT],
    [
      'FILE_TOO_LARGE',
      ISSUES.FILE_TOO_LARGE.message({ limit: '5 MB' }),
      apiErrorMessage('FILE_TOO_LARGE', { maxUploadBytes: DEFAULT_MAX_UPLOAD_BYTES }),
    ],
    ['UNSUPPORTED_TYPE', API_ERRORS.UNSUPPORTED_TYPE.message, MESSAGES.UNSUPPORTED_TYPE],
    ['INTERNAL', API_ERRORS.INTERNAL.message, MESSAGES.INTERNAL],
    ['TOKEN_REVOKED', API_ERRORS.TOKEN_REVOKED.message, MESSAGES.TOKEN_REVOKED],
  ])('%s', (_key, one, other) => {
    expect(one).toBe(other);
  });

  // A copy pasted back into a surface would drift from the catalogue at the next edit.
  const SOURCES = [
    'shared/issues.ts',
    'functions/api/errors.ts',
    'web/static/app.js',
    'web/admin/admin.js',
    'web/index.html',
    'web/admin/index.html',
    'cli/main.ts',
    'cli/verdict-output.ts',
    'cli/commands/admin-link.ts',
    'cli/commands/report.ts',
    'cli/commands/invite.ts',
    'cli/commands/revoke.ts',
    'cli/commands/validate.ts',
  ] as const;
  const sentences = (key: MessageKey) =>
    MESSAGES[key]
      .split(PLACEHOLDER)
      .filter((_part, index) => index % 2 === 0)
      .filter((part) => part.length >= 30);
  it.each(SOURCES)('%s holds no catalogue sentence of its own', (source) => {
    const text = readFileSync(new URL(`../../${source}`, import.meta.url), 'utf8');
    for (const key of MESSAGE_KEYS) {
      for (const sentence of sentences(key)) expect(text, `${key} copied into ${source}`).not.toContain(sentence);
    }
  });
});

describe('web/static/messages.js, the browser pages’ copy', () => {
  const script = readFileSync(MESSAGES_SCRIPT_PATH, 'utf8');

  it('is the generated image of the catalogue (run `npx tsx scripts/build-messages.ts` after editing it)', () => {
    expect(script).toBe(renderMessagesScript());
  });

  it('gives the pages exactly the catalogue and the issue column labels', () => {
    const globals: Record<string, unknown> = {};
    runInNewContext(script, globals);
    expect(globals.MOTCUA_MESSAGES).toEqual(MESSAGES);
    expect(globals.MOTCUA_COLUMN_LABELS).toEqual(COLUMN_LABELS);
  });

  it('is ES5, like the upload page it is loaded by (old browsers, no build step)', () => {
    const transpile = (target: ts.ScriptTarget) =>
      ts.transpileModule(script, { fileName: 'messages.js', compilerOptions: { allowJs: true, target, module: ts.ModuleKind.None } }).outputText;
    expect(transpile(ts.ScriptTarget.ES5)).toBe(transpile(ts.ScriptTarget.ESNext));
  });
});
