import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';

export type IndexDb = Database.Database;

/**
 * What the index file holds and how it was read. Raise it whenever the parser reads a file
 * differently or the tables change: an index written by another version is then rebuilt from
 * the files rather than trusted.
 */
export const INDEX_FORMAT = '5';

/** The full-text table's pending terms, in bytes, before it writes them out as a segment. */
const FTS_PENDING_BYTES = 16 * 1024 * 1024;

/** Where nothing is kept between runs: the index lives in the process, outside the JS heap all the same. */
export const IN_MEMORY = ':memory:';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
-- One row per path read: its stamp (null when it failed), the day it gives, and its problems.
CREATE TABLE IF NOT EXISTS files (
	file TEXT PRIMARY KEY, size INTEGER, mtime_ms REAL, date TEXT, problems TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS files_by_date ON files (date, file);
-- Each file's papers in order; k names an appearance, which day_papers points at rather than copy.
CREATE TABLE IF NOT EXISTS file_papers (
	k INTEGER PRIMARY KEY, file TEXT NOT NULL, pos INTEGER NOT NULL, id TEXT NOT NULL, votes INTEGER NOT NULL, paper TEXT NOT NULL,
	UNIQUE (file, pos)
);
-- Each day's papers merged across its files; votes is -1 for a paper without a count.
CREATE TABLE IF NOT EXISTS days (date TEXT PRIMARY KEY, files TEXT NOT NULL, problems TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS day_papers (
	date TEXT NOT NULL, pos INTEGER NOT NULL, id TEXT NOT NULL, votes INTEGER NOT NULL, k INTEGER NOT NULL,
	PRIMARY KEY (date, pos)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS day_papers_by_id ON day_papers (id, date, votes, k);
-- Every paper: its newest appearance (paper, date, votes) and its best-voted one (best_*).
CREATE TABLE IF NOT EXISTS papers (
	n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, date TEXT NOT NULL, dates TEXT NOT NULL,
	votes INTEGER NOT NULL, paper TEXT NOT NULL, best_votes INTEGER NOT NULL, best_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS papers_by_votes ON papers (votes DESC, date DESC, id);
CREATE INDEX IF NOT EXISTS papers_by_best ON papers (best_votes DESC, best_date DESC, id);
-- The papers' index keys (see keyStream); the row number is the paper's rank and names its row of papers (see searchKey).
-- marks holds the title's keys again, each after a '_', so a word in a title is a key of its own with a short list.
-- The keys come normalised and space-separated, so the plain ascii tokenizer splits them as written (a seventh faster than unicode61).
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5 (
	title, body, marks, content = '', contentless_delete = 1, tokenize = "ascii tokenchars '_'"
);
`;

// words_vocab went with format 4; an older file's is dropped with the rest.
const TABLES = ['meta', 'files', 'file_papers', 'days', 'day_papers', 'papers', 'words', 'words_vocab'];

export interface OpenedIndex {
	db: IndexDb;
	/** Why what the file held was thrown away (another version, another folder, a damaged file); absent when it was kept or new. */
	rebuilt?: string;
	/** Set when the file was in use by another process, so this one keeps its index in memory. */
	inUse?: boolean;
}

/*
 * The lock beside each index file, held by the process that owns the index until it closes (or
 * dies: the system lets go of it then). A second connection of the same process (the parser
 * thread, writing a big file) is not kept out by it, as a lock on the index itself would.
 */
const locks = new Map<IndexDb, IndexDb>();

function lock(path: string): IndexDb {
	const held = new Database(`${path}.lock`);
	try {
		held.pragma('locking_mode = EXCLUSIVE');
		held.pragma('journal_mode = OFF');
		held.exec('CREATE TABLE IF NOT EXISTS held (pid INTEGER); BEGIN EXCLUSIVE; COMMIT');
		return held;
	} catch (err) {
		held.close();
		throw err;
	}
}

/**
 * Opens the index for the digest folder `source`. The file is this process's alone: two
 * processes feeding one index would each find the other's writes already there and take a new
 * digest for no change. A file another process holds leaves this one an index in memory; a
 * damaged one is deleted and rebuilt, since every row is derived from the digest files.
 */
export function openIndex(path: string, source: string): OpenedIndex {
	if (path === IN_MEMORY) return { db: prepare(new Database(IN_MEMORY), source).db };
	let held: IndexDb;
	try {
		held = lock(path);
	} catch (err) {
		const code = (err as { code?: string }).code ?? '';
		if (!code.startsWith('SQLITE_BUSY') && !code.startsWith('SQLITE_LOCKED')) throw err;
		return { db: prepare(new Database(IN_MEMORY), source).db, inUse: true };
	}
	let db: IndexDb | undefined;
	let opened: OpenedIndex;
	try {
		db = connect(path);
		opened = prepare(db, source);
	} catch (err) {
		db?.close();
		const code = (err as { code?: string }).code ?? '';
		if (!code.startsWith('SQLITE_CORRUPT') && code !== 'SQLITE_NOTADB') {
			held.close();
			throw err;
		}
		for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
		opened = { ...prepare(connect(path), source), rebuilt: `the file was damaged (${code})` };
	}
	locks.set(opened.db, held);
	return opened;
}

/** Closes the index and lets go of its lock. */
export function closeIndex(db: IndexDb): void {
	db.close();
	locks.get(db)?.close();
	locks.delete(db);
}

/** A second connection to an index this process opened, for the thread that writes big files into it. */
export function connect(path: string): IndexDb {
	const db = new Database(path);
	db.pragma('journal_mode = WAL');
	// The other connection may be writing a file of many papers; waiting is the right answer, for a while.
	db.pragma('busy_timeout = 30000');
	db.pragma('synchronous = NORMAL');
	return db;
}

function prepare(db: IndexDb, source: string): OpenedIndex {
	// The index is derived: a power cut may lose the last writes, which the next scan redoes.
	db.pragma('synchronous = NORMAL');
	// A few megabytes of pages: the look-ups commands make touch few, and the file is in the system's cache.
	db.pragma('cache_size = -8000');
	db.pragma('temp_store = MEMORY');
	let rebuilt: string | undefined;
	const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'meta'").get() !== undefined;
	if (has) {
		const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
		if (meta.get('format') !== INDEX_FORMAT) rebuilt = `it was written by another version (format ${meta.get('format') ?? 'unknown'})`;
		else if (meta.get('source') !== source) rebuilt = `it indexed another folder (${meta.get('source') ?? 'unknown'})`;
		if (rebuilt) for (const t of [...TABLES].reverse()) db.exec(`DROP TABLE IF EXISTS ${t}`);
	}
	db.exec(SCHEMA);
	/*
	 * FTS5 writes out what a transaction added each time its pending terms reach this size, and
	 * merges those segments as they pile up: at its 1 MB default a first start on ten years writes
	 * and merges thousands of small segments (16 MB: the full-text inserts of ten years in 0.7×
	 * the time). The pending terms of one batch at most are held; later scans add a few files.
	 */
	db.exec(`INSERT INTO words (words, rank) VALUES ('hashsize', ${FTS_PENDING_BYTES})`);
	const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
	put.run('format', INDEX_FORMAT);
	put.run('source', source);
	return { db, ...(rebuilt ? { rebuilt } : {}) };
}
