import { z } from 'zod';
import { isValidTimeZone } from './time/zones.ts';
import { DEFAULT_STORE_URL } from './store/store.ts';
import { parseDuration } from './source/duration.ts';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

/** Every setting Paperboy reads from the environment. Types come from here. */
export const ConfigSchema = z
	.object({
		DISCORD_TOKEN: z.string().min(1, 'DISCORD_TOKEN is required to log in (see .env.example)').optional(),
		DISCORD_APP_ID: z
			.string()
			.regex(/^\d{17,20}$/, 'DISCORD_APP_ID must be the application id (a snowflake)')
			.optional(),
		DISCORD_API_BASE: z.url().default('https://discord.com/api'),
		DIGEST_DIR: z.string().min(1).default('./data'),
		/** A git repository to follow: cloned into DIGEST_DIR, fetched every DIGEST_GIT_INTERVAL. */
		DIGEST_GIT_URL: z
			.string()
			.trim()
			.min(1)
			.refine((s) => !s.startsWith('-'), 'DIGEST_GIT_URL must be a repository address, e.g. https://github.com/owner/repo.git')
			.optional(),
		DIGEST_GIT_BRANCH: z
			.string()
			.regex(/^(?!-)(?!.*\.\.)[\w./-]+$/, 'DIGEST_GIT_BRANCH must be a branch name, e.g. main')
			.optional(),
		/** The folder inside the repository that holds the digests; the archive reads DIGEST_DIR/DIGEST_GIT_PATH. */
		DIGEST_GIT_PATH: z
			.string()
			.transform((s) =>
				s
					.replace(/\\/g, '/')
					.split('/')
					.filter((part) => part && part !== '.')
					.join('/'),
			)
			.refine((s) => !s.split('/').includes('..') && !/^[a-z]:/i.test(s), 'DIGEST_GIT_PATH must be a folder inside the repository, e.g. digests')
			.optional(),
		DIGEST_GIT_INTERVAL: z
			.string()
			.default('10m')
			.transform((s, ctx) => {
				const ms = parseDuration(s);
				if (ms === null || ms < 100)
					ctx.addIssue({ code: 'custom', message: 'DIGEST_GIT_INTERVAL must be a duration such as 10m, 90s or 1h (a bare number is minutes)' });
				return ms ?? 0;
			}),
		/** Whole days after the newest digest's date with no newer one before /subscriptions and the log say so; 0: never. */
		STALE_AFTER_DAYS: z.coerce.number().int().min(0).max(365).default(3),
		LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
		/** Readable lines or JSON; unset means readable at a terminal, JSON anywhere else. */
		LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
		STORE_URL: z
			.string()
			.regex(/^(sqlite|redis|rediss):\/\//, 'STORE_URL must start with sqlite:// or redis://')
			.default(DEFAULT_STORE_URL),
		/** The archive's index file (rebuilt from the digests when missing); `memory` keeps it in the process only. */
		ARCHIVE_INDEX: z.string().trim().min(1).optional(),
		DEFAULT_TIMEZONE: z.string().refine(isValidTimeZone, 'DEFAULT_TIMEZONE must be an IANA time zone such as Asia/Seoul').default('UTC'),
		CATCH_UP_DAYS: z.coerce.number().int().min(0).max(365).default(3),
		/** Hours after a digest's first post in a channel during which a rewrite of its file edits what was posted; 0: never. */
		EDIT_WINDOW_HOURS: z.coerce.number().min(0).max(720).default(48),
		SCAN_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
		/** `off` where file-system events do not arrive (network file systems): the periodic scan alone then finds new files. */
		DIGEST_WATCH: z.enum(['on', 'off'], { message: 'DIGEST_WATCH must be on or off' }).default('on'),
		/** A digest file larger than this (megabytes of 1,048,576 bytes) is refused, not read: a day's digest is well under one. */
		MAX_DIGEST_MB: z.coerce.number().positive('MAX_DIGEST_MB must be a positive number of megabytes').max(1024).default(20),
		/** How long a stop may take to finish work in flight before the process exits anyway, non-zero. */
		SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(15),
		/** A channel's delivery lease, unrenewed, lives this long: how long a process that died mid-digest keeps others off its channels. */
		DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
		/** Serves /healthz, /readyz and /metrics when set (0 picks a free port). */
		HEALTH_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
		HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
		SHARD_IDS: z
			.string()
			.regex(/^\d+(,\d+)*$/, 'SHARD_IDS is a comma-separated list of shard numbers, e.g. 0,1')
			.transform((s) => s.split(',').map(Number))
			.optional(),
		SHARD_COUNT: z.coerce.number().int().min(1).optional(),
		/** Key prefix in the store, so several bots (or test runs) can share one Redis. */
		STORE_NAMESPACE: z
			.string()
			.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'STORE_NAMESPACE may use letters, digits, _ . - (at most 64)')
			.optional(),
		/** Requests per second Discord allows this bot in all: 50, unless Discord raised the bot's limit. */
		REST_GLOBAL_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(50),
		/** `embedded`: start:sharded runs one REST proxy for its shards. A proxy elsewhere is DISCORD_API_BASE. */
		REST_PROXY: z.enum(['embedded'], { message: 'REST_PROXY is embedded or unset; point DISCORD_API_BASE at a proxy that runs elsewhere' }).optional(),
		/** `npm run proxy`: where it listens (0 picks a free port) and where it sends. */
		PROXY_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
		PROXY_HOST: z.string().min(1).default('127.0.0.1'),
		PROXY_UPSTREAM: z.url().default('https://discord.com/api'),
	})
	.superRefine((c, ctx) => {
		for (const key of ['DIGEST_GIT_BRANCH', 'DIGEST_GIT_PATH'] as const) {
			if (c[key] !== undefined && !c.DIGEST_GIT_URL)
				ctx.addIssue({ code: 'custom', path: [key], message: `${key} needs DIGEST_GIT_URL, the repository to follow` });
		}
		// Shard ids mean nothing without the fleet's total: Discord would close the gateway (4010).
		if (c.SHARD_IDS && c.SHARD_COUNT === undefined) {
			ctx.addIssue({ code: 'custom', path: ['SHARD_IDS'], message: 'SHARD_IDS needs SHARD_COUNT, the total number of shards of the whole fleet' });
		}
		const over = c.SHARD_IDS?.filter((id) => c.SHARD_COUNT !== undefined && id >= c.SHARD_COUNT) ?? [];
		if (over.length) ctx.addIssue({ code: 'custom', path: ['SHARD_IDS'], message: `shards ${over.join(', ')} are not below SHARD_COUNT` });
	});

export type Config = z.infer<typeof ConfigSchema>;

/** Where DIGEST_GIT_URL is cloned when DIGEST_DIR is not set. */
export const DEFAULT_GIT_DIGEST_DIR = './var/digests';

export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigError';
	}
}

/** Parses the environment once; lists every problem, never echoes a value (it may be a secret). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
	// Empty strings in .env files mean "unset", not "set to nothing".
	const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
	// A followed repository is cloned where nothing else lives (./data ships sample digests).
	if (cleaned['DIGEST_GIT_URL'] && !cleaned['DIGEST_DIR']) cleaned['DIGEST_DIR'] = DEFAULT_GIT_DIGEST_DIR;
	const result = ConfigSchema.safeParse(cleaned);
	if (!result.success) {
		throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
	}
	return result.data;
}
