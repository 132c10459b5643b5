import { Writable } from 'node:stream';
import pino from 'pino';
import pinoPretty from 'pino-pretty';

/**
 * Structured logs: a context object first, then the message, so every line can be searched by
 * its fields. JSON lines for machines, readable lines for a person at a terminal.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';
export type LogContext = Record<string, unknown>;

export interface Logger {
	debug(ctx: LogContext, msg: string): void;
	info(ctx: LogContext, msg: string): void;
	warn(ctx: LogContext, msg: string): void;
	error(ctx: LogContext, msg: string): void;
	child(ctx: LogContext): Logger;
}

// Secrets registered here are masked in every line, whatever field, error message or cause carries them.
const secrets = new Set<string>();
export function registerSecret(value: string | undefined): void {
	if (value && value.length >= 8) secrets.add(value);
}

/*
 * Interaction and webhook tokens are credentials for 15 minutes: masked in a URL path, after
 * `token=` or `"token":` (a query, a form, a JSON body), and wherever one appears bare — an
 * interaction token starts with base64 of "interaction:".
 */
const TOKEN_PATTERNS: Array<[RegExp, string]> = [
	[/(\/(?:interactions\/\d+|webhooks\/\d+)\/)[\w.-]{20,}/g, '$1[redacted]'],
	[/(token\\?["']?\s*[=:]\s*\\?["']?)[\w.-]{20,}/gi, '$1[redacted]'],
	[/aW50ZXJhY3Rpb246[\w.:-]+/g, '[redacted]'],
];

export function redact(text: string): string {
	let out = text;
	for (const s of secrets) out = out.split(s).join('[redacted]');
	for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
	return out;
}

/*
 * The line's own fields. A caller's field of the same name (a subscription's `time: "09:00"`)
 * would follow them in the JSON and win for every reader, so it is moved under `fields`.
 */
const OWN = new Set(['time', 'level', 'msg']);
function keepOwnFields(obj: LogContext | null | undefined): LogContext {
	if (!obj) return {};
	if (!Object.keys(obj).some((k) => OWN.has(k))) return obj;
	const out: LogContext = {};
	const moved: LogContext = {};
	for (const [k, v] of Object.entries(obj)) (OWN.has(k) ? moved : out)[k] = v;
	return { ...out, fields: { ...(out['fields'] as LogContext | undefined), ...moved } };
}

/** Where lines go: a function receiving each line without its newline (tests), or stderr. */
export type LogWriter = (line: string) => void;

export interface LoggerOptions {
	/** Default: readable when stderr is a terminal, JSON otherwise. */
	format?: LogFormat;
}

function destination(write: LogWriter | undefined, format: LogFormat): { write(line: string): void } {
	// Redaction happens on the finished line, after serialisation, so no path around it exists.
	if (format === 'pretty') {
		const pretty = pinoPretty({
			destination: write
				? new Writable({
						write(chunk: Buffer, _encoding, done) {
							write(chunk.toString('utf8').replace(/\n$/, ''));
							done();
						},
					})
				: 2,
			sync: true,
			colorize: !write && Boolean(process.stderr.isTTY),
			translateTime: 'SYS:HH:MM:ss.l',
			ignore: 'pid,hostname',
			messageKey: 'msg',
		});
		return { write: (line) => pretty.write(redact(line)) };
	}
	if (write) return { write: (line) => write(redact(line).replace(/\n$/, '')) };
	// Synchronous, so the line logged just before an exit is not lost.
	const stderr = pino.destination({ fd: 2, sync: true });
	return { write: (line) => stderr.write(redact(line)) };
}

/** pino's logger behind our interface, so a child's fields go through the same guard as a line's. */
function wrap(p: pino.Logger): Logger {
	return {
		debug: (ctx, msg) => p.debug(ctx, msg),
		info: (ctx, msg) => p.info(ctx, msg),
		warn: (ctx, msg) => p.warn(ctx, msg),
		error: (ctx, msg) => p.error(ctx, msg),
		child: (ctx) => wrap(p.child(keepOwnFields(ctx))),
	};
}

export function createLogger(level: LogLevel = 'info', write?: LogWriter, opts: LoggerOptions = {}): Logger {
	const format = opts.format ?? (!write && process.stderr.isTTY ? 'pretty' : 'json');
	const logger = pino(
		{
			level,
			base: null,
			messageKey: 'msg',
			timestamp: pino.stdTimeFunctions.isoTime,
			formatters: {
				level: (label) => ({ level: label }),
				log: keepOwnFields,
			},
			// The cause chain is where a network error's real reason lives (undici's `fetch failed`).
			serializers: { err: pino.stdSerializers.errWithCause },
		},
		destination(write, format),
	);
	return wrap(logger);
}

export const silentLogger: Logger = createLogger('silent', () => {});
