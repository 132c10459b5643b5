import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Logger } from '../log.ts';
import { IN_MEMORY, openIndex, type IndexDb } from './index-db.ts';

/**
 * Where the index lives when ARCHIVE_INDEX is unset: beside a SQLite store, else in `./var`;
 * one file per set of `shards`, since the processes of one machine each own their own.
 */
export function indexPath(setting: string | undefined, storeUrl: string, shards?: string): string {
	if (setting === 'memory') return IN_MEMORY;
	if (setting) return setting;
	const store = storeUrl.startsWith('sqlite://') ? storeUrl.slice('sqlite://'.length) : '';
	const base = store ? store.replace(/\.sqlite3?$/, '') : './var/archive-index';
	const part = shards?.replace(/\D+/g, '-').replace(/^-|-$/g, '');
	return `${base}${part ? `.shards-${part}` : ''}.archive.sqlite`;
}

/** Opens the index for the folder `dir`, saying in the log why it starts from nothing when it must. */
export function openArchiveIndex(path: string, dir: string, logger: Logger): IndexDb {
	if (path !== IN_MEMORY) mkdirSync(dirname(path), { recursive: true });
	const opened = openIndex(path, resolve(dir));
	if (opened.inUse)
		logger.warn({ path }, 'archive index is in use by another process; this one keeps its own in memory (set ARCHIVE_INDEX to give each its own file)');
	else if (opened.rebuilt) logger.warn({ path, why: opened.rebuilt }, 'archive index rebuilt from the digest files');
	return opened.db;
}
