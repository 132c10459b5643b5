import { existsSync } from 'node:fs';

/** Reads `.env` when there is one (Node ≥ 20.12 parses it); real environment variables win. */
export function loadDotEnv(path = '.env'): void {
	if (existsSync(path)) process.loadEnvFile(path);
}
