import type { z } from 'zod';
import { IsoDate } from '../digest/schema.ts';
import type { Logger } from '../log.ts';
import { CorruptEnvelope, type Backend } from './backend.ts';
import { Snowflake } from './schema.ts';

/**
 * A record that is present but unreadable where reading it as absent would do harm: a ledger
 * exists only where something was posted, so "nothing delivered" would post the digest again.
 */
export class CorruptRecordError extends Error {
	override name = 'CorruptRecordError';
	constructor(
		readonly key: string,
		readonly problem: string,
	) {
		super(`corrupt store record ${key}: ${problem}`);
	}
}

// Bounds one MGET / one SQLite `IN (json_each)` so thousands of guilds do not become one huge request.
const BATCH = 500;

export type Validated<T> = { ok: true; data: T } | { ok: false; problem: string };

/** Validated reads and plain writes over a backend, shared by the store's parts (not exported from the store). */
export interface Records {
	readonly backend: Backend;
	readonly logger: Logger;
	/** Logs a record that is present but unusable, with its key. */
	corrupt(key: string, problem: string): void;
	/** Why a present stored value is unusable, or the validated value. */
	validate<T>(value: unknown, schema: z.ZodType<T>): Validated<T>;
	/** Null for an absent value; null and a warning for a corrupt one. */
	check<T>(key: string, value: unknown, schema: z.ZodType<T>): T | null;
	read<T>(key: string, schema: z.ZodType<T>): Promise<T | null>;
	getMany(keys: readonly string[]): Promise<unknown[]>;
	readMany<T>(keys: readonly string[], schema: z.ZodType<T>): Promise<Array<T | null>>;
	/** Every write and delete goes through these three, each after the guard's check (see guard.ts). */
	write(key: string, value: unknown, ttlMs?: number): Promise<void>;
	/** True when the key existed. */
	delete(key: string): Promise<boolean>;
	deleteMany(keys: readonly string[]): Promise<void>;
}

function shortIssue(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return 'invalid';
	const path = issue.path.join('.');
	const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
	return `${path ? `${path}: ` : ''}${issue.message}${more}`;
}

export function chunks<T>(items: readonly T[], size: number = BATCH): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

export function createRecords(backend: Backend, logger: Logger, beforeWrite: () => Promise<void>): Records {
	const { keyv } = backend;
	const corrupt = (key: string, problem: string) => logger.warn({ key, problem }, 'corrupt store record skipped');

	function validate<T>(value: unknown, schema: z.ZodType<T>): Validated<T> {
		if (value instanceof CorruptEnvelope) return { ok: false, problem: value.message };
		const parsed = schema.safeParse(value);
		return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problem: shortIssue(parsed.error) };
	}

	function check<T>(key: string, value: unknown, schema: z.ZodType<T>): T | null {
		if (value === undefined || value === null) return null;
		const result = validate(value, schema);
		if (result.ok) return result.data;
		corrupt(key, result.problem);
		return null;
	}

	async function getMany(keys: readonly string[]): Promise<unknown[]> {
		const out: unknown[] = [];
		for (const batch of chunks(keys)) out.push(...((await keyv.getMany(batch)) as unknown[]));
		return out;
	}

	return {
		backend,
		logger,
		corrupt,
		validate,
		check,
		getMany,
		async read(key, schema) {
			return check(key, await keyv.get(key), schema);
		},
		async readMany(keys, schema) {
			const values = await getMany(keys);
			return keys.map((key, i) => check(key, values[i], schema));
		},
		async write(key, value, ttlMs) {
			await beforeWrite();
			await keyv.set(key, value, ttlMs);
		},
		async delete(key) {
			await beforeWrite();
			return keyv.delete(key);
		},
		async deleteMany(keys) {
			if (keys.length === 0) return;
			await beforeWrite();
			await keyv.deleteMany([...keys]);
		},
	};
}

/** A Discord id argument; throws a TypeError for anything else, since it becomes part of a key. */
export function snowflake(value: string, what: string): string {
	const parsed = Snowflake.safeParse(value);
	if (!parsed.success) throw new TypeError(`${what} must be a Discord id, got ${JSON.stringify(value).slice(0, 40)}`);
	return parsed.data;
}

/** A digest date argument (`YYYY-MM-DD`); throws a TypeError for anything else. */
export function isoDate(value: string): string {
	if (!IsoDate.safeParse(value).success) throw new TypeError(`date must be YYYY-MM-DD, got ${JSON.stringify(value).slice(0, 40)}`);
	return value;
}
