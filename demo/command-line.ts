/** What Discord sends for a registered command: the parts the demo's command box needs. */
export interface CommandDef {
	name: string;
	name_localizations?: Record<string, string> | null;
	description?: string;
	options?: OptionDef[];
}
export interface OptionDef {
	type: number;
	name: string;
	name_localizations?: Record<string, string> | null;
	description?: string;
	required?: boolean;
	autocomplete?: boolean;
	choices?: Array<{ name: string; value: string | number }>;
	options?: OptionDef[];
}

export interface SentOption {
	name: string;
	type: number;
	value?: string | number | boolean;
	focused?: boolean;
	options?: SentOption[];
}

export type Parsed = { ok: true; data: { name: string; type: 1; options: SentOption[] }; focused: SentOption | null } | { ok: false; error: string };

const SUB_COMMAND = 1;
const SUB_COMMAND_GROUP = 2;
const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;
const CHANNEL = 7;
const ROLE = 8;
const NUMBER = 10;

const named = (o: { name: string; name_localizations?: Record<string, string> | null }, word: string) =>
	o.name === word || Object.values(o.name_localizations ?? {}).includes(word);

/**
 * A typed command line (`/top period:week`, `/subscribe channel:#papers format:compact`) as the
 * interaction data Discord would send, checked against the registered definitions: options by
 * name (or their Korean name), values converted to the option's type, a channel by `#name`. The
 * last option is the focused one while typing, for autocomplete.
 */
export function parseCommandLine(line: string, defs: readonly CommandDef[], channels: ReadonlyMap<string, string>): Parsed {
	const text = line.trim().replace(/^\//, '');
	const [word = '', ...rest] = text.split(/\s+/);
	const def = defs.find((d) => named(d, word));
	if (!def) return { ok: false, error: `no command /${word}` };
	let options = def.options ?? [];
	let tail = rest.join(' ');
	const path: SentOption[] = [];
	// Subcommands (and groups) are words before any option.
	for (;;) {
		const next = tail.split(/\s+/)[0] ?? '';
		const sub = options.find((o) => (o.type === SUB_COMMAND || o.type === SUB_COMMAND_GROUP) && named(o, next));
		if (!sub) break;
		path.push({ name: sub.name, type: sub.type, options: [] });
		options = sub.options ?? [];
		tail = tail.slice(next.length).trim();
	}
	if (options.some((o) => o.type === SUB_COMMAND || o.type === SUB_COMMAND_GROUP)) {
		return { ok: false, error: `/${def.name} needs one of: ${options.map((o) => o.name).join(', ')}` };
	}
	const sent: SentOption[] = [];
	const keys = [...tail.matchAll(/(?:^|\s)([\p{L}\p{N}_-]+):/gu)];
	for (const [i, m] of keys.entries()) {
		const opt = options.find((o) => named(o, m[1] ?? ''));
		if (!opt) return { ok: false, error: `/${def.name} has no option ${m[1]}` };
		const start = (m.index ?? 0) + m[0].length;
		const end = keys[i + 1]?.index ?? tail.length;
		const raw = tail
			.slice(start, end)
			.trim()
			.replace(/^"(.*)"$/, '$1');
		const value = convert(opt, raw, channels);
		if (value === undefined) return { ok: false, error: `${opt.name}: "${raw}" is not a valid value` };
		sent.push({ name: opt.name, type: opt.type, value });
	}
	const focused = sent.at(-1) ?? null;
	let options_ = sent;
	for (const p of path.reverse()) {
		p.options = options_;
		options_ = [p];
	}
	return { ok: true, data: { name: def.name, type: 1, options: options_ }, focused };
}

function convert(opt: OptionDef, raw: string, channels: ReadonlyMap<string, string>): string | number | boolean | undefined {
	const choice = opt.choices?.find((c) => c.name === raw || String(c.value) === raw);
	if (choice) return choice.value;
	switch (opt.type) {
		case STRING:
			return raw;
		case INTEGER:
			return /^-?\d+$/.test(raw) ? Number(raw) : undefined;
		case NUMBER:
			return raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
		case BOOLEAN:
			return raw === 'true' || raw === 'yes' ? true : raw === 'false' || raw === 'no' ? false : undefined;
		case CHANNEL: {
			const id = /^<#(\d+)>$/.exec(raw)?.[1] ?? [...channels].find(([, name]) => `#${name}` === raw || name === raw)?.[0];
			return id;
		}
		case ROLE:
			return /^<@&(\d+)>$/.exec(raw)?.[1] ?? (/^\d+$/.test(raw) ? raw : undefined);
		default:
			return raw;
	}
}

/** Marks the option being typed as focused (what Discord sends for autocomplete). */
export function withFocus(data: { options: SentOption[] }, focused: SentOption): void {
	const walk = (opts: SentOption[]) => {
		for (const o of opts) {
			if (o === focused) o.focused = true;
			if (o.options) walk(o.options);
		}
	};
	walk(data.options);
}
