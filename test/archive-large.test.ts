import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ParserThread } from '../src/archive/parse-thread.ts';
import { bigDigest, digestMarkdown, writeDigest } from './helpers/digests.ts';
import { command, startHarness, type Harness } from './helpers/bot.ts';

const STRING = 3;
const MB = 1024 * 1024;

describe('big digest files (real bot, loopback emulator)', () => {
	let h: Harness;
	let guildId = '';
	let channelId = '';

	beforeAll(async () => {
		h = await startHarness({
			guilds: [{ name: 'Research', channels: 1 }],
			bot: { settleMs: 0 },
			setup: async (_emu, dir) => {
				await writeDigest(join(dir, 'digests'), '2024-12-09', [{ id: '2412.04887', title: 'Momentum-GS', votes: 10 }]);
			},
		});
		guildId = h.guilds[0]?.id ?? '';
		channelId = h.guilds[0]?.channels[0] ?? '';
	});
	afterAll(async () => h?.stop());

	const askPaper = (id: string) => h.emu.interact({ guildId, channelId, type: 2, data: command('paper', [{ name: 'id', type: STRING, value: id }]) });

	it('answers /paper within 3 s, asked every 200 ms, while a 15 MB digest lands and is parsed', async () => {
		const { text, ids } = bigDigest('2024-12-10', 15);
		// Written beside the folder and moved in, as a producer would: the scan sees it whole.
		const staged = join(h.dir, 'big.md');
		await writeFile(staged, text);

		const delay = monitorEventLoopDelay({ resolution: 10 });
		const asked: Array<{ intended: number; handle: ReturnType<typeof askPaper>; sentAt: number }> = [];
		let scanning = true;
		const t0 = Date.now();
		// Each question's time is set in advance: if the thread is held up, the late ones still count from when they were due.
		const asker = (async () => {
			for (let k = 0; scanning || k < 5; k++) {
				const intended = t0 + k * 200;
				const wait = intended - Date.now();
				if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
				asked.push({ intended, handle: askPaper('2412.04887'), sentAt: Date.now() });
			}
		})();
		delay.enable();
		await rename(staged, join(h.config.DIGEST_DIR, 'big.md'));
		const scanStarted = Date.now();
		await h.bot.refresh();
		const scanMs = Date.now() - scanStarted;
		scanning = false;
		await asker;
		delay.disable();

		const late: string[] = [];
		for (const a of asked) {
			const res = await a.handle.response(30_000).catch(() => undefined);
			const answeredIn = a.handle.answeredInMs();
			const fromDue = answeredIn === undefined ? Number.POSITIVE_INFINITY : a.sentAt + answeredIn - a.intended;
			if (res?.type !== 4 || fromDue > 3000 || a.handle.answeredInTime() !== true) late.push(`due at +${a.intended - t0} ms: answered ${fromDue} ms later`);
		}
		const parsed = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'digest file took long to parse');
		console.info(
			`15 MB digest: scan ${scanMs} ms, parse ${String(parsed?.['ms'])} ms on the parser thread; ` +
				`event-loop delay max ${(delay.max / 1e6).toFixed(0)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms; ${asked.length} questions`,
		);
		expect(late).toEqual([]);
		// The questions covered the whole parse, not only its start.
		expect(asked.length).toBeGreaterThanOrEqual(Math.floor(scanMs / 200));
		expect(h.bot.ctx.archive.digest('2024-12-10')?.papers).toHaveLength(ids.length);
		const found = await askPaper(ids.at(-1) ?? '').response();
		expect((found.data?.['embeds'] as Array<Record<string, unknown>> | undefined)?.[0]?.['url']).toBe(`https://arxiv.org/abs/${ids.at(-1)}`);
	}, 120_000);

	it('refuses a file over MAX_DIGEST_MB with an error naming it, once, and never makes it a digest', async () => {
		const { text, ids } = bigDigest('2024-12-11', 21, 2401);
		expect(h.config.MAX_DIGEST_MB).toBe(20);
		const staged = join(h.dir, 'huge.md');
		await writeFile(staged, text);
		await rename(staged, join(h.config.DIGEST_DIR, 'huge.md'));
		await h.bot.refresh();
		await h.bot.refresh();
		const refused = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['file'] === 'huge.md');
		expect(refused).toHaveLength(1);
		expect(refused[0]).toMatchObject({ level: 'error' });
		expect(String(refused[0]?.['msg'])).toMatch(/^is 2\d(\.\d+)? MB, over MAX_DIGEST_MB \(20\); not read$/);
		expect(h.bot.ctx.archive.hasDate('2024-12-11')).toBe(false);
		expect(h.bot.ctx.archive.problems()).toContainEqual(expect.objectContaining({ file: 'huge.md', level: 'error' }));
		const res = await askPaper(ids[0] ?? '').response();
		expect(res.data?.['flags']).toBe(64);
		expect(res.data?.['embeds'] ?? []).toEqual([]);
	}, 60_000);

	it('a file that exhausts the parser thread fails alone: the files queued behind it are read on a fresh thread', async () => {
		const dir = await mkdtemp(join(tmpdir(), 'paperboy-oom-'));
		try {
			await writeFile(join(dir, 'big.md'), bigDigest('2024-12-12', 15, 2501).text);
			await writeFile(join(dir, 'small.md'), digestMarkdown('2024-12-13', [{ id: '2412.13001', title: 'Small' }]));
			// A heap that starts the thread but cannot hold the big file's parse.
			const thread = new ParserThread({ heapMb: 64 });
			const [big, small] = await Promise.allSettled([
				thread.read(join(dir, 'big.md'), 'big.md', 20 * MB),
				thread.read(join(dir, 'small.md'), 'small.md', 20 * MB),
			]);
			await thread.close();
			expect(big.status).toBe('rejected');
			expect(String((big as PromiseRejectedResult).reason)).toMatch(/memory/i);
			expect(small).toMatchObject({ status: 'fulfilled', value: { kind: 'parsed', result: { digest: { date: '2024-12-13' } } } });
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	}, 60_000);
});
