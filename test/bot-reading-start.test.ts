import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/store.ts';
import { answerOf, command, startHarness, type Harness } from './helpers/bot.ts';
import { bigDigest, writeDigest } from './helpers/digests.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const STRING = 3;
const today = () => new Date().toISOString().slice(0, 10);
type Line = { msg: string; archiveRead?: { read: number; total: number } | string };
const parsed = (logs: string[]) => logs.map((l) => JSON.parse(l) as Line);

/*
 * The first file of the folder is big enough to keep the parser thread busy for seconds, and
 * every file after it waits its turn: the gateway is up, and members ask things, long before the
 * folder is read. What they meet then is what this checks.
 */
describe('a start on a folder still being read (real discord.js, loopback emulator)', () => {
	let h: Harness | undefined;
	let store: Store | undefined;
	let dir = '';
	afterEach(async () => {
		await h?.stop();
		await store?.close();
		await rm(dir, { recursive: true, force: true });
		h = undefined;
		store = undefined;
	});

	it('answers commands before the folder is read, says a miss may be a paper not read yet, and posts only once all is read', async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-reading-'));
		store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
		const date = today();
		const id = '2412.04887';
		let guildId = '';
		let channelId = '';
		const during: Record<string, unknown>[] = [];
		let posted = -1;
		let readyLine: Line | undefined;
		let readyz: { status: number; body: string } | undefined;
		const health = async (logs: string[]) => {
			const line = logs.find((l) => l.includes('health and metrics listening'));
			const res = await fetch(`http://127.0.0.1:${(JSON.parse(line ?? '{}') as { port?: number }).port}/readyz`);
			return { status: res.status, body: await res.text() };
		};
		h = await startHarness({
			store,
			env: { HEALTH_PORT: '0' },
			setup: async (emu, root) => {
				const g = emu.addGuild({ name: 'Research', channels: 1 });
				guildId = g.id;
				channelId = g.channels[0] ?? '';
				await subscribe(store!, guildId, channelId);
				await writeFile(join(root, 'digests', '2020-01-01.md'), bigDigest('2020-01-01', 6).text);
				await writeDigest(join(root, 'digests'), date, [{ id, title: 'Momentum-GS', votes: 10 }]);
			},
			whileStarting: async (emu, logs) => {
				await until(() => parsed(logs).some((l) => l.msg === 'ready'), 30_000, 'the gateway');
				readyLine = parsed(logs).find((l) => l.msg === 'ready');
				const paper = emu.interact({ guildId, channelId, type: 2, data: command('paper', [{ name: 'id', type: STRING, value: id }]) });
				const digest = emu.interact({ guildId, channelId, type: 2, data: command('digest') });
				const help = emu.interact({ guildId, channelId, type: 2, data: command('help') });
				during.push(await answerOf(paper), await answerOf(digest), await answerOf(help));
				await until(() => logs.some((l) => l.includes('health and metrics listening')), 10_000, 'the health server');
				readyz = await health(logs);
				posted = emu.messages(channelId).length;
				expect(
					parsed(logs).some((l) => l.msg === 'archive loaded'),
					'the folder was read before the answers came: make the first file bigger',
				).toBe(false);
			},
		});
		expect(readyLine?.archiveRead).toMatchObject({ read: expect.any(Number), total: 2 });
		const [paper, digest, help] = during;
		expect(paper?.['flags']).toBe(64);
		expect(String(paper?.['content'])).toContain('is not in any digest yet');
		expect(String(paper?.['content'])).toContain('still being read after a start (0 of 2 files)');
		expect(String(digest?.['content'])).toContain('No digest has been loaded yet');
		expect(String(digest?.['content'])).toContain('still being read');
		expect(JSON.stringify(help)).not.toContain('still being read');
		expect(readyz?.status).toBe(503);
		expect(readyz?.body).toContain('the digest folder is still being read');
		// Nothing was posted from half an archive; once all is read, the day goes out.
		expect(posted).toBe(0);
		await until(() => receivedIds(h!.emu, channelId).includes(id), 10_000, 'the digest in the channel');
		const after = await answerOf(h.emu.interact({ guildId, channelId, type: 2, data: command('paper', [{ name: 'id', type: STRING, value: id }]) }));
		expect(JSON.stringify(after)).toContain('Momentum-GS');
		expect(JSON.stringify(after)).not.toContain('still being read');
		expect((await health(h.logs)).status).toBe(200);
	}, 90_000);

	it('a stop asked for while the folder is read ends the reading after the file at hand, and begins no delivery', async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-reading-'));
		store = await openStore(`sqlite://${join(dir, 'state.sqlite')}`);
		const stop = new AbortController();
		let channelId = '';
		h = await startHarness({
			store,
			bot: { stopping: stop.signal },
			setup: async (emu, root) => {
				const g = emu.addGuild({ name: 'Research', channels: 1 });
				channelId = g.channels[0] ?? '';
				await subscribe(store!, g.id, channelId);
				await writeFile(join(root, 'digests', '2020-01-01.md'), bigDigest('2020-01-01', 6).text);
				await writeDigest(join(root, 'digests'), today(), [{ id: '2412.04887', title: 'Momentum-GS', votes: 10 }]);
			},
			whileStarting: async (_emu, logs) => {
				await until(() => parsed(logs).some((l) => l.msg === 'ready'), 30_000, 'the gateway');
				expect(
					parsed(logs).some((l) => l.msg === 'archive loaded'),
					'the folder was read before the stop: make the first file bigger',
				).toBe(false);
				stop.abort();
			},
		});
		const lines = h.logs.map((l) => JSON.parse(l) as { msg: string; files?: number });
		// The big file was being read when the stop came: it is kept; the day after it was never reached.
		expect(lines.find((l) => l.msg === 'archive loaded')?.files).toBe(1);
		expect(lines.some((l) => l.msg === 'scheduler started; catching up')).toBe(false);
		expect(h.bot.ctx.archive.paper('2412.04887')).toBeUndefined();
		expect(h.emu.messages(channelId)).toEqual([]);
	}, 90_000);
});
