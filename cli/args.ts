import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from '../shared/errors.js';

/** The process exit codes of every command: scripts rely on them, so the CLI's usage text lists them. */
export const EXIT_CODES = {
  ok: 0,
  negativeVerdict: 1,
  misuse: 2,
  unexpected: 3,
} as const;

/** What a command declares: its arguments and options; parsing is always strict. */
export type CommandLineConfig = Pick<ParseArgsConfig, 'args' | 'options' | 'allowPositionals'>;

/** The codes `node:util` parseArgs throws with in strict mode (see Node's errors documentation). */
const PARSE_ERROR_CODES = {
  unknownOption: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
  invalidValue: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
  unexpectedPositional: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
} as const;

type Token = NonNullable<ReturnType<typeof parseArgs<ParseArgsConfig>>['tokens']>[number];
type OptionToken = Extract<Token, { kind: 'option' }>;

/**
 * `node:util` parseArgs (strict), with every misuse turned into a Vietnamese `InputError` (exit 2) that names
 * the option and says what is wrong, followed by the command's usage. An option given twice is refused
 * rather than silently taking the last value (unless it is declared `multiple`).
 */
export function parseCommandLine<T extends CommandLineConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    throw new InputError(`${explainParseError(error, config)}\n${usage}`, { cause: error });
  }
  const repeated = repeatedOption(config);
  if (repeated) throw new InputError(`${repeated}\n${usage}`);
  return parsed;
}

/** The arguments as tokens; lenient so that it also describes the arguments strict parsing refused. */
function tokensOf(config: CommandLineConfig): Token[] {
  const lenient: ParseArgsConfig = { ...config, strict: false, allowPositionals: true, tokens: true };
  return parseArgs(lenient).tokens ?? [];
}

function optionLabel(config: CommandLineConfig, name: string): string {
  return config.options?.[name]?.type === 'string' ? `--${name} <giá trị>` : `--${name}`;
}

function knownOptions(config: CommandLineConfig): string {
  const names = Object.keys(config.options ?? {});
  return names.length > 0 ? `Các tùy chọn của lệnh này: ${names.map((n) => optionLabel(config, n)).join(', ')}.` : 'Lệnh này không có tùy chọn nào.';
}

/** Edit distance, to suggest `--json` for `--jsn`. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function closestOption(config: CommandLineConfig, name: string): string | undefined {
  const candidates = Object.keys(config.options ?? {})
    .map((option) => ({ option, distance: distance(name.toLowerCase(), option) }))
    .filter((c) => c.distance <= Math.max(1, Math.floor(c.option.length / 3)))
    .sort((a, b) => a.distance - b.distance);
  return candidates[0]?.option;
}

function unknownOptionMessage(config: CommandLineConfig, token: OptionToken): string {
  const suggestion = closestOption(config, token.name);
  return [
    `Tùy chọn "${token.rawName}" không có trong lệnh này.`,
    suggestion ? `Có phải ý bạn là --${suggestion}?` : knownOptions(config),
  ].join(' ');
}

function invalidValueMessage(config: CommandLineConfig, token: OptionToken): string | undefined {
  const type = config.options?.[token.name]?.type;
  if (type === 'boolean' && token.inlineValue) return `Tùy chọn --${token.name} không nhận giá trị: chỉ ghi --${token.name}.`;
  if (type !== 'string') return undefined;
  if (token.value === undefined) return `Tùy chọn --${token.name} cần một giá trị ngay sau nó, ví dụ ${optionLabel(config, token.name)}.`;
  if (!token.inlineValue && token.value.startsWith('-')) {
    return `Tùy chọn --${token.name} cần một giá trị ngay sau nó, nhưng sau nó là "${token.value}" (một tùy chọn khác). Nếu giá trị thật sự bắt đầu bằng dấu "-", hãy ghi --${token.name}=<giá trị>.`;
  }
  return undefined;
}

/** The Vietnamese reason for a parseArgs error, found from its code and the token it is about. */
function explainParseError(error: unknown, config: CommandLineConfig): string {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  const tokens = tokensOf(config);
  const options = tokens.filter((t): t is OptionToken => t.kind === 'option');
  if (code === PARSE_ERROR_CODES.unknownOption) {
    const unknown = options.find((t) => config.options?.[t.name] === undefined);
    if (unknown) return unknownOptionMessage(config, unknown);
  }
  if (code === PARSE_ERROR_CODES.invalidValue) {
    for (const token of options) {
      const message = invalidValueMessage(config, token);
      if (message) return message;
    }
  }
  if (code === PARSE_ERROR_CODES.unexpectedPositional) {
    const positional = tokens.find((t) => t.kind === 'positional');
    if (positional) {
      return config.allowPositionals
        ? `Thừa tham số "${positional.value}": lệnh này chỉ nhận số tham số như trong cách dùng dưới đây.`
        : `Lệnh này không nhận tham số "${positional.value}" (chỉ nhận các tùy chọn bắt đầu bằng --).`;
    }
  }
  return 'Tham số không hợp lệ.';
}

/** Why the arguments repeat an option, or undefined when none is repeated. */
function repeatedOption(config: CommandLineConfig): string | undefined {
  const seen = new Map<string, OptionToken[]>();
  for (const token of tokensOf(config)) {
    if (token.kind !== 'option' || config.options?.[token.name]?.multiple) continue;
    const earlier = seen.get(token.name) ?? [];
    earlier.push(token);
    seen.set(token.name, earlier);
    if (earlier.length === 2) {
      const values = earlier.map((t) => t.value).filter((v): v is string => v !== undefined);
      const which = values.length === 2 ? ` (${values.map((v) => `"${v}"`).join(' và ')})` : '';
      return `Tùy chọn --${token.name} được ghi hai lần${which}: chỉ ghi một lần, với giá trị muốn dùng.`;
    }
  }
  return undefined;
}
