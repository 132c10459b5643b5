import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { startHarness, type Harness } from './helpers/bot.ts';
import { digestMarkdown, papersFor } from './helpers/digests.ts';
import { receivedIds, until } from './helpers/received.ts';
import { subscribe } from './helpers/subscriptions.ts';

const today = () => new Date().toISOString().slice(0, 10);

/** The harness with one subscribed channel whose time (00:00 UTC) has passed. */
async function subscribed(env: Record<string, string>, settleMs: number): Promise<{ h: Harness; ch: string }> {
	const h = await startHarness({ env, bot: { settleMs }, guilds: [{ channels: 1 }] });
	const g = h.guilds[0]!;
	const ch = g.channels[0]!;
	await subscribe(h.store, g.id, ch);
	return { h, ch };
}

/** Written next to the folder, then renamed into it, as producers do. */
async function land(h: Harness, name: string, text: string): Promise<void> {
	await writeFile(join(h.dir, name), text);
	await rename(join(h.dir, name), join(h.dir, 'digests', name));
}

const lines = (h: Harness) => h.logs.map((l) => JSON.parse(l) as { level: string; msg: string; file?: string });

describe('a digest that lands is posted within seconds', () => {
	let h: Harness | undefined;
	afterEach(async () => {
		await h?.stop();
		h = undefined;
	});

	it('a file renamed into DIGEST_DIR is posted in seconds, with the periodic scan an hour away', async () => {
		const s = await subscribed({ SCAN_INTERVAL_SECONDS: '3600' }, 500);
		h = s.h;
		const date = today();
		const landed = Date.now();
		await land(h, `${date}.md`, digestMarkdown(date, papersFor(date, 3)));
		await until(() => receivedIds(h!.emu, s.ch).length === 3, 5000, 'the digest in the channel');
		expect(Date.now() - landed).toBeLessThan(5000);
	});

	it('a file written slowly is not read half-written, and is posted once complete', async () => {
		const s = await subscribed({ SCAN_INTERVAL_SECONDS: '3600' }, 800);
		h = s.h;
		const date = today();
		const papers = papersFor(date, 4);
		const whole = digestMarkdown(date, papers);
		const half = whole.indexOf('### ', whole.indexOf('### ', whole.indexOf('### ') + 1) + 1); // two papers and a heading
		const file = await open(join(h.dir, 'digests', `${date}.md`), 'w');
		try {
			await file.write(whole.slice(0, half + 10));
			// The watch saw the file mid-write; the scan it started left it alone.
			await until(() => lines(h!).some((l) => l.msg === 'digest file still being written; next scan'), 5000, 'a scan during the write');
			await file.write(whole.slice(half + 10));
		} finally {
			await file.close();
		}
		await until(() => receivedIds(h!.emu, s.ch).length === 4, 5000, 'the whole digest in the channel');
		expect(receivedIds(h.emu, s.ch)).toEqual(papers.map((p) => p.id));
		// Read once, whole: all four papers in the first message.
		expect(h.emu.messages(s.ch)).toHaveLength(1);
	});

	it('the watched folder removed and made again: said once, and new files are still posted', async () => {
		const s = await subscribed({ SCAN_INTERVAL_SECONDS: '1' }, 300);
		h = s.h;
		const digests = join(h.dir, 'digests');
		await rm(digests, { recursive: true });
		await until(() => lines(h!).some((l) => l.level === 'warn' && /cannot watch the digest folder/.test(l.msg)), 5000, 'the warning');
		await mkdir(digests);
		const date = today();
		await land(h, `${date}.md`, digestMarkdown(date, papersFor(date, 2)));
		await until(() => receivedIds(h!.emu, s.ch).length === 2, 10_000, 'the digest in the channel');
		await until(() => lines(h!).some((l) => /watching the digest folder for new files again/.test(l.msg)), 5000, 'watching again');
		expect(lines(h).filter((l) => /cannot watch the digest folder/.test(l.msg))).toHaveLength(1);
	});

	it('DIGEST_WATCH=off: the periodic scan alone still posts what lands', async () => {
		const s = await subscribed({ SCAN_INTERVAL_SECONDS: '1', DIGEST_WATCH: 'off' }, 300);
		h = s.h;
		const date = today();
		await land(h, `${date}.md`, digestMarkdown(date, papersFor(date, 2)));
		await until(() => receivedIds(h!.emu, s.ch).length === 2, 10_000, 'the digest in the channel');
		expect(h.config.DIGEST_WATCH).toBe('off');
	});
});

describe('DIGEST_WATCH', () => {
	it('is on by default, and takes only on or off', () => {
		expect(loadConfig({}).DIGEST_WATCH).toBe('on');
		expect(loadConfig({ DIGEST_WATCH: 'off' }).DIGEST_WATCH).toBe('off');
		expect(() => loadConfig({ DIGEST_WATCH: 'no' })).toThrow(ConfigError);
		expect(() => loadConfig({ DIGEST_WATCH: 'no' })).toThrow(/DIGEST_WATCH must be on or off/);
	});
});
