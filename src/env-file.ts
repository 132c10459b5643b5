import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from './config.ts';

/** Reads `.env` when there is one (Node ≥ 20.12 parses it); real environment variables win. */
export function loadDotEnv(path = '.env'): void {
	if (existsSync(path)) process.loadEnvFile(path);
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
