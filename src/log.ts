/** Structured JSON-lines logger: context object first, then message (STYLE.md §11). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogContext = Record<string, unknown>;

export interface Logger {
	debug(ctx: LogContext, msg: string): void;
	info(ctx: LogContext, msg: string): void;
	warn(ctx: LogContext, msg: string): void;
	error(ctx: LogContext, msg: string): void;
	child(ctx: LogContext): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

// Secrets registered here are masked in every line, whatever field or error message carries them.
const secrets = new Set<string>();
export function registerSecret(value: string | undefined): void {
	if (value && value.length >= 8) secrets.add(value);
}
export function redact(text: string): string {
	let out = text;
	for (const s of secrets) out = out.split(s).join('[redacted]');
	// Interaction and webhook tokens sit in URLs; they are credentials for 15 minutes.
	return out.replace(/(\/(?:interactions\/\d+|webhooks\/\d+)\/)[\w.-]{20,}/g, '$1[redacted]');
}

function serialise(value: unknown): unknown {
	if (value instanceof Error) {
		return { name: value.name, message: value.message, stack: value.stack, ...(value as unknown as Record<string, unknown>) };
	}
	return value;
}

export function createLogger(
	level: LogLevel = 'info',
	write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
	base: LogContext = {},
): Logger {
	const emit = (lvl: Exclude<LogLevel, 'silent'>, ctx: LogContext, msg: string) => {
		if (RANK[lvl] < RANK[level]) return;
		const record: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, msg, ...base };
		for (const [k, v] of Object.entries(ctx)) record[k] = serialise(v);
		write(redact(JSON.stringify(record)));
	};
	return {
		debug: (ctx, msg) => emit('debug', ctx, msg),
		info: (ctx, msg) => emit('info', ctx, msg),
		warn: (ctx, msg) => emit('warn', ctx, msg),
		error: (ctx, msg) => emit('error', ctx, msg),
		child: (ctx) => createLogger(level, write, { ...base, ...ctx }),
	};
}

export const silentLogger: Logger = createLogger('silent');
