import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.ts';

/**
 * Reads `.env` when there is one; real environment variables win. An empty value means "not
 * set", and is removed rather than kept as an empty string: discord.js reads `SHARD_COUNT` and
 * `SHARDS` from the environment itself, and `SHARD_COUNT=` (as `.env.example` ships it) would
 * make it refuse to start.
 */
export function loadDotEnv(path = '.env', env: NodeJS.ProcessEnv = process.env): void {
	const file = existsSync(path) ? parseEnv(readFileSync(path, 'utf8')) : {};
	for (const [key, value] of Object.entries(file)) if (value !== '' && env[key] === undefined) env[key] = value;
	for (const [key, value] of Object.entries(env)) if (value === '') delete env[key];
}

/**
 * For entry points: `.env` plus the environment, parsed once. A configuration problem ends the
 * process with every problem listed, and nothing else (no stack, no values).
 */
export function configOrExit(): Config {
	loadDotEnv();
	try {
		return loadConfig();
	} catch (err) {
		if (!(err instanceof ConfigError)) throw err;
		process.stderr.write(`${err.message}\n`);
		process.exit(1);
	}
}
