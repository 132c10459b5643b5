import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createClient } from '@keyv/redis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../src/log.ts';
import { storeKeys } from '../src/store/schema.ts';
import { openStore, StoreConnectError, StoreUnavailableError, type Store, type StoreOptions } from '../src/store/store.ts';
import { ROOT } from './helpers/process.ts';
import { until } from './helpers/received.ts';
import { cleanupRedisNamespace, REDIS_URL, redisAvailable, uniqueRedisNamespace } from './helpers/redis.ts';
import { rawSnapshot, redisSnapshot, type Snapshot } from './helpers/store-snapshot.ts';
import { storeRecords } from './helpers/store-records.ts';
import { subscribe } from './helpers/subscriptions.ts';

const run = promisify(execFile);
const G = '100000000000000001';
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const STORE_MODULE = pathToFileURL(join(ROOT, 'src', 'store', 'store.ts')).href;

interface Captured {
	logger: Logger;
	lines: Array<Record<string, unknown>>;
	errors: () => Array<Record<string, unknown>>;
}

function capture(): Captured {
	const lines: Array<Record<string, unknown>> = [];
	const logger = createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
	return { logger, lines, errors: () => lines.filter((l) => l['level'] === 'error' || l['level'] === 50) };
}

const lostLines = (c: Captured) => c.errors().filter((l) => String(l['msg']).startsWith('the store lost its data'));
const rollbackLines = (c: Captured) => c.errors().filter((l) => String(l['msg']).startsWith('the store went back in time'));

/**
 * Opens a store in a child process running as another user (uid 65534, "nobody"): tests run as
 * root, whom file modes do not stop. Reports what openStore did, and whether a write then worked.
 */
async function openAsNobody(url: string): Promise<{ opened: boolean; wrote?: boolean; name?: string; message?: string }> {
	const code = `
		const { openStore } = await import(${JSON.stringify(STORE_MODULE)});
		let out;
		try {
			const store = await openStore(${JSON.stringify(url)});
			out = { opened: true };
			try { await store.ledger.setPending('11', '2024-12-09', { nonce: 'n', paperIds: [], at: new Date().toISOString() }); out.wrote = true; }
			catch { out.wrote = false; }
			await store.close().catch(() => undefined);
		} catch (error) { out = { opened: false, name: error.name, message: error.message }; }
		process.stdout.write(JSON.stringify(out));`;
	const asRoot = process.getuid?.() === 0;
	const { stdout } = await run(process.execPath, ['--import', TSX, '--input-type=module', '-e', code], {
		cwd: ROOT,
		...(asRoot ? { uid: 65534, gid: 65534 } : {}),
		env: { ...process.env, HOME: tmpdir() },
	});
	return JSON.parse(stdout) as { opened: boolean; wrote?: boolean; name?: string; message?: string };
}

describe('a store that cannot take writes fails at open', () => {
	const dirs: string[] = [];
	afterAll(() => {
		for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
	});

	/** A store the bot used before (so the file is already in WAL mode), in a folder other users can enter. */
	async function existingStore(): Promise<{ dir: string; file: string }> {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-ro-'));
		dirs.push(dir);
		const file = join(dir, 'paperboy.sqlite');
		const store = await openStore(`sqlite://${file}`);
		await subscribe(store, G, '11');
		await store.close();
		return { dir, file };
	}

	it('a SQLite file the bot may not write is refused at open, naming the file and what to change', async () => {
		const { dir, file } = await existingStore();
		chmodSync(dir, 0o777); // the folder is writable: SQLite opens the file read-only and only writes fail
		chmodSync(file, 0o444);
		const result = await openAsNobody(`sqlite://${file}`);
		expect(result).toMatchObject({ opened: false, name: 'StoreConnectError' });
		expect(result.message).toContain(`the SQLite store at ${file} is not writable by this process`);
		expect(result.message).toMatch(/SQLITE_READONLY/);
		expect(result.message).toMatch(/writable by the bot's user/);
	}, 30_000);

	it('a SQLite file in a folder the bot may not write is refused at open', async () => {
		const { dir, file } = await existingStore();
		chmodSync(dir, 0o755);
		chmodSync(file, 0o666); // the file is writable, but its -wal and -shm cannot be made beside it
		const result = await openAsNobody(`sqlite://${file}`);
		expect(result).toMatchObject({ opened: false, name: 'StoreConnectError' });
		expect(result.message).toContain(`the SQLite store at ${file} is not writable by this process`);
		expect(result.message).toMatch(/and its folder/);
	}, 30_000);

	it.skipIf(!redisAvailable)('a Redis user that may only read is refused at open, before anything else is read', async () => {
		const user = `paperboy-test-ro-${process.pid}-${randomBytes(4).toString('hex')}`;
		const password = randomBytes(12).toString('hex');
		const admin = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
		admin.on('error', () => undefined);
		await admin.connect();
		try {
			await admin.sendCommand(['ACL', 'SETUSER', user, 'reset', 'on', `>${password}`, '~*', '&*', '+@read', '+@connection', '-@write', '-@scripting']);
			const url = REDIS_URL.replace('redis://', `redis://${user}:${password}@`);
			const error = await openStore(url, { namespace: uniqueRedisNamespace('ro') }).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(StoreConnectError);
			expect((error as Error).message).toMatch(/^Redis at [^ ]+ does not let the user in STORE_URL write \(NOPERM/);
			expect((error as Error).message).not.toContain(password);
		} finally {
			await admin.sendCommand(['ACL', 'DELUSER', user]);
			await admin.close();
		}
	});
});

/** One place to keep a store, that a test can make lose its data or go back in time. */
interface Location {
	open(opts?: StoreOptions): Promise<Store>;
	/** What happens when the data is gone: the SQLite file deleted, Redis restarted empty. */
	lose(): Promise<void>;
	snapshot(store: Store): Promise<Snapshot>;
	dispose(): Promise<void>;
}

function integrityContract(makeLocation: () => Location) {
	let location: Location | undefined;
	const opened: Store[] = [];
	const open = async (opts: StoreOptions = {}) => {
		location ??= makeLocation();
		const store = await location.open({ integrityCheckMs: 0, ...opts });
		opened.push(store);
		return store;
	};
	afterEach(async () => {
		for (const store of opened.splice(0)) await store.close();
		await location?.dispose();
		location = undefined;
	});

	it('once the data is lost, every write is refused with a typed error, and the loss is logged once', async () => {
		const log = capture();
		const store = await open({ logger: log.logger });
		await subscribe(store, G, '11');
		await location!.lose();
		const refused = await subscribe(store, G, '12').catch((e: unknown) => e);
		expect(refused).toBeInstanceOf(StoreUnavailableError);
		await expect(store.ledger.setPending('11', '2024-12-09', { nonce: 'n', paperIds: [], at: new Date().toISOString() })).rejects.toBeInstanceOf(
			StoreUnavailableError,
		);
		await expect(store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '1', paperIds: [] })).rejects.toBeInstanceOf(StoreUnavailableError);
		await expect(store.subscriptions.delete(G, '11')).rejects.toBeInstanceOf(StoreUnavailableError);
		// Delivery asks before planning, so it posts nothing from a ledger that is gone.
		await expect(store.ledger.mayHaveRolledBack('11', '2024-12-09')).rejects.toBeInstanceOf(StoreUnavailableError);
		expect(lostLines(log)).toHaveLength(1);
	});

	it('notices the loss while nothing writes', async () => {
		const log = capture();
		await open({ logger: log.logger, integrityCheckMs: 25 });
		await location!.lose();
		await until(() => lostLines(log).length > 0, 5000, 'the loss to be logged');
	});

	it('notices the store going back in time, keeps taking writes, and flags every ledger until it is checked', async () => {
		const log = capture();
		const store = await open({ logger: log.logger });
		await subscribe(store, G, '11');
		const before = await location!.snapshot(store);
		await store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '501', paperIds: [] });
		await store.subscriptions.patch(G, '11', { lastDeliveredDate: '2024-12-09' });
		expect(await store.ledger.mayHaveRolledBack('11', '2024-12-09')).toBe(false);
		await before.restore();

		expect(await store.ledger.mayHaveRolledBack('11', '2024-12-09')).toBe(true);
		expect(rollbackLines(log)).toHaveLength(1);
		// Writes go on: the store is older, not gone.
		await store.subscriptions.patch(G, '11', { lastDeliveredDate: '2024-12-08' });
		store.ledger.confirmed('11', '2024-12-09');
		expect(await store.ledger.mayHaveRolledBack('11', '2024-12-09')).toBe(false);
		expect(await store.ledger.mayHaveRolledBack('11', '2024-12-10')).toBe(true);
		// A digest dated after the rollback was noticed cannot have been posted before it: no lookup.
		expect(await store.ledger.mayHaveRolledBack('11', '2099-01-01')).toBe(false);
		expect(rollbackLines(log)).toHaveLength(1);
		expect(lostLines(log)).toEqual([]);
	});

	it('a ledger missing entries this process wrote is a rollback, even when the counter says nothing', async () => {
		const log = capture();
		const store = await open({ logger: log.logger });
		await store.ledger.recordDelivered('11', '2024-12-09', 'm0', { messageId: '501', paperIds: [] });
		const key = storeKeys.ledger('11', '2024-12-09');
		const older = (await storeRecords(store).get(key))!;
		await store.ledger.recordDelivered('11', '2024-12-09', 'm1', { messageId: '502', paperIds: [] });
		await storeRecords(store).set(key, older); // only this record went back
		expect([...(await store.ledger.sent('11', '2024-12-09')).keys()]).toEqual(['m0']);
		expect(rollbackLines(log)).toHaveLength(1);
		expect(rollbackLines(log)[0]?.['evidence']).toMatch(/lacks 1 of the 2 message/);
		expect(await store.ledger.mayHaveRolledBack('11', '2024-12-09')).toBe(true);
	});

	it('instances sharing one store never take each other’s writes for a rollback, nor a channel removed with its subscription', async () => {
		const log = capture();
		const a = await open({ logger: log.logger });
		const b = await open({ logger: log.logger });
		for (let i = 0; i < 5; i++) {
			await Promise.all([subscribe(a, G, String(20 + i)), subscribe(b, G, String(40 + i))]);
			await a.ledger.recordDelivered('11', '2024-12-09', `a${i}`, { messageId: '501', paperIds: [] });
			await b.ledger.setPending('12', '2024-12-09', { nonce: `b${i}`, paperIds: [], at: new Date().toISOString() });
		}
		await subscribe(a, G, '11');
		await a.subscriptions.delete(G, '11'); // its ledger goes with it
		expect((await a.ledger.sent('11', '2024-12-09')).size).toBe(0);
		expect(await a.ledger.mayHaveRolledBack('11', '2024-12-09')).toBe(false);
		expect(await b.ledger.mayHaveRolledBack('12', '2024-12-09')).toBe(false);
		expect(log.errors()).toEqual([]);
	});
}

describe('store integrity (sqlite)', () => {
	integrityContract(() => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-integrity-'));
		const file = join(dir, 'paperboy.sqlite');
		return {
			open: (opts) => openStore(`sqlite://${file}`, opts),
			async lose() {
				for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
			},
			snapshot: rawSnapshot,
			dispose: async () => rmSync(dir, { recursive: true, force: true }),
		};
	});

	it('a SQLite file replaced at its path (a restore copied over it) is a loss: writes would go to the old file', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-integrity-'));
		const file = join(dir, 'paperboy.sqlite');
		const log = capture();
		const store = await openStore(`sqlite://${file}`, { logger: log.logger, integrityCheckMs: 0 });
		try {
			await subscribe(store, G, '11');
			copyFileSync(file, join(dir, 'copy.sqlite'));
			renameSync(join(dir, 'copy.sqlite'), file);
			await expect(subscribe(store, G, '12')).rejects.toThrow(/was replaced by another file/);
			expect(lostLines(log)).toHaveLength(1);
		} finally {
			await store.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('a deleted SQLite file stays refused: what was confirmed after the deletion would be gone at the next start', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'paperboy-integrity-'));
		const file = join(dir, 'paperboy.sqlite');
		const store = await openStore(`sqlite://${file}`, { integrityCheckMs: 0 });
		try {
			await subscribe(store, G, '11');
			unlinkSync(file);
			await expect(subscribe(store, G, '12')).rejects.toBeInstanceOf(StoreUnavailableError);
			await store.close();
			const next = await openStore(`sqlite://${file}`, { integrityCheckMs: 0 });
			expect(await next.subscriptions.listAll()).toEqual([]); // nothing was promised that is now missing
			await next.close();
		} finally {
			await store.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe.skipIf(!redisAvailable)('store integrity (redis)', () => {
	integrityContract(() => {
		const namespace = uniqueRedisNamespace('integrity');
		return {
			open: (opts) => openStore(REDIS_URL, { ...opts, namespace }),
			// Every key of the namespace gone, as after a restart without persistence or a FLUSHALL.
			lose: async () => void (await cleanupRedisNamespace(namespace)),
			snapshot: () => redisSnapshot(namespace),
			dispose: async () => void (await cleanupRedisNamespace(namespace)),
		};
	});

	it('checks the store as soon as a dropped connection is back (a restart), with no timer and no write', async () => {
		const namespace = uniqueRedisNamespace('reconnect');
		const log = capture();
		const store = await openStore(REDIS_URL, { namespace, logger: log.logger, integrityCheckMs: 0 });
		const admin = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false } });
		admin.on('error', () => undefined);
		await admin.connect();
		try {
			await subscribe(store, G, '11');
			await cleanupRedisNamespace(namespace); // what a restart without persistence leaves
			// Only this store's own connection, found by the name it gives itself.
			const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
			const id = /id=(\d+) .*name=paperboy:(\S+)/.exec(list.split('\n').find((l) => l.includes(`name=paperboy:${namespace} `)) ?? '')?.[1];
			expect(id).toBeDefined();
			await admin.sendCommand(['CLIENT', 'KILL', 'ID', id!]);
			await until(() => lostLines(log).length > 0, 10_000, 'the loss to be noticed after the reconnect');
			await expect(subscribe(store, G, '12')).rejects.toBeInstanceOf(StoreUnavailableError);
		} finally {
			await admin.close();
			await store.close();
			await cleanupRedisNamespace(namespace);
		}
	});
});
