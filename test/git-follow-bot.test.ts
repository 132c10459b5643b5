import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StartupError } from '../src/app.ts';
import { answerOf, command, startHarness, type Harness } from './helpers/bot.ts';
import { digestMarkdown, papersFor } from './helpers/digests.ts';
import { git, makeRemote, type Remote } from './helpers/git-remote.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const STRING = 3;

/*
 * The real bot against the emulator, its digests coming from a real bare repository. The folder
 * scan runs once an hour here and the settle time is the default: whatever reaches a channel got
 * there because a fetch brought it and triggered the read.
 */
describe('a followed git repository end to end', () => {
	const cleanups: Array<() => Promise<unknown>> = [];
	afterEach(async () => {
		for (const c of cleanups.splice(0).reverse()) await c();
	});

	const clock = new Date('2026-03-11T12:00:00Z');
	const digest = (date: string, n = 3) => digestMarkdown(date, papersFor(date, n));
	const ids = (date: string, n = 3) => papersFor(date, n).map((p) => p.id);

	async function remoteWith(files: Record<string, string>): Promise<Remote> {
		const remote = await makeRemote({ 'README.md': 'Daily papers\n', 'digests/.gitkeep': '', ...files });
		cleanups.push(() => remote.dispose());
		return remote;
	}

	async function start(remote: Remote, env: Record<string, string> = {}): Promise<Harness> {
		const h = await startHarness({
			guilds: [{ channels: 1 }],
			env: { DIGEST_GIT_URL: remote.url, DIGEST_GIT_PATH: 'digests', DIGEST_GIT_INTERVAL: '150ms', SCAN_INTERVAL_SECONDS: '3600', ...env },
			bot: { now: () => clock },
		});
		cleanups.push(() => h.stop());
		return h;
	}

	const logged = (h: Harness, msg: string) => h.logs.filter((l) => (JSON.parse(l) as { msg?: string }).msg?.startsWith(msg)).length;

	it('clones on first start; a pushed commit is posted, and a force-push resets what is served', async () => {
		const remote = await remoteWith({});
		const h = await start(remote);
		expect(logged(h, 'digest repository cloned')).toBe(1);
		const [g] = h.guilds;
		const ch = g!.channels[0]!;
		await subscribe(h.store, g!.id, ch);

		await remote.commit({ 'digests/2026/03/10.md': digest('2026-03-10') }, 'digest of 2026-03-10');
		await until(() => receivedIds(h.emu, ch).length === 3, 15_000, 'the pushed digest in the channel');
		expect(receivedIds(h.emu, ch)).toEqual(ids('2026-03-10'));

		// The producer rewrites history: 03-10 is replaced by 03-11 and force-pushed.
		await git(remote.work, 'reset', '--quiet', '--hard', 'HEAD~1');
		await remote.commit({ 'digests/2026/03/11.md': digest('2026-03-11', 2) }, 'digest of 2026-03-11', false);
		await remote.forcePush();
		const archive = h.bot.ctx.archive;
		await until(() => archive.hasDate('2026-03-11') && !archive.hasDate('2026-03-10'), 15_000, 'the rewritten history served');
		expect(logged(h, "digest repository's history was rewritten")).toBe(1);
		expect(await git(h.config.DIGEST_DIR, 'rev-parse', 'HEAD')).toBe(await git(remote.bare, 'rev-parse', 'main'));
		await until(() => receivedIds(h.emu, ch).length === 5, 15_000, 'the new digest after the force-push');
		expect(receivedIds(h.emu, ch).slice(3)).toEqual(ids('2026-03-11', 2));
	});

	it('keeps serving while the repository is gone, warns once, and posts again when it is back', async () => {
		const remote = await remoteWith({ 'digests/2026/03/10.md': digest('2026-03-10') });
		const h = await start(remote);
		const [g] = h.guilds;
		const ch = g!.channels[0]!;
		const paper = async () =>
			answerOf(h.emu.interact({ guildId: g!.id, channelId: ch, type: 2, data: command('paper', [{ name: 'id', type: STRING, value: ids('2026-03-10')[0] }]) }));

		await rename(remote.bare, `${remote.bare}.moved`);
		await until(() => logged(h, 'digest repository still cannot be fetched') >= 3, 15_000, 'failed retries');
		expect(logged(h, 'digest repository cannot be fetched')).toBe(1);
		expect(JSON.stringify(await paper())).toContain('Paper 1 of 2026-03-10');

		await rename(`${remote.bare}.moved`, remote.bare);
		await subscribe(h.store, g!.id, ch, { startAfterDate: '2026-03-10' });
		await remote.commit({ 'digests/2026/03/11.md': digest('2026-03-11') });
		await until(() => receivedIds(h.emu, ch).length === 3, 15_000, 'the digest pushed after the outage');
		expect(receivedIds(h.emu, ch)).toEqual(ids('2026-03-11'));
		expect(logged(h, 'digest repository can be fetched again')).toBe(1);
		expect(logged(h, 'digest repository cannot be fetched')).toBe(1);
	});

	it('refuses to start on a folder that holds other files, or a clone with local changes', async () => {
		const remote = await remoteWith({ 'digests/2026/03/10.md': digest('2026-03-10') });
		const foreign = startHarness({
			env: { DIGEST_GIT_URL: remote.url },
			setup: (_emu, dir) => writeFile(join(dir, 'digests', 'notes.md'), 'dropped by hand\n'),
		});
		await expect(foreign).rejects.toThrow(StartupError);
		await expect(foreign).rejects.toThrow(/DIGEST_DIR .* already holds files and is not a clone of file:/);

		// A checkout that outlives the bot: started twice, then edited by hand.
		const base = await mkdtemp(join(tmpdir(), 'paperboy-checkout-'));
		cleanups.push(() => rm(base, { recursive: true, force: true }));
		const checkout = join(base, 'repo');
		const first = await start(remote, { DIGEST_DIR: checkout });
		expect(first.bot.ctx.archive.hasDate('2026-03-10')).toBe(true);
		await first.stop();
		cleanups.pop();
		const again = await start(remote, { DIGEST_DIR: checkout });
		expect(logged(again, 'digest repository cloned')).toBe(0);
		expect(again.bot.ctx.archive.hasDate('2026-03-10')).toBe(true);
		await again.stop();
		cleanups.pop();

		await writeFile(join(checkout, 'digests', '2026', '03', '10.md'), 'edited on the server\n');
		await expect(start(remote, { DIGEST_DIR: checkout })).rejects.toThrow(/has local changes \(1 file: digests\/2026\/03\/10\.md\)/);
	});
});
