import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../emulator/index.ts';
import { rssOf, spawnBot, type Entry } from './bot-process.ts';

const ROOT = join(import.meta.dirname, '..');
/** Long enough after "ready" for the catch-up and the first sweep to have run. */
const SETTLE_MS = 1500;

interface Start {
	readyMs: number;
	rssMiB: number;
}

async function startOnce(entry: Entry, digestDir: string): Promise<Start> {
	const emu = await startEmulator();
	emu.addGuild({ channels: 2 });
	const dir = await mkdtemp(join(tmpdir(), 'paperboy-start-'));
	const started = performance.now();
	const bot = spawnBot(emu, { entry, env: { DIGEST_DIR: digestDir, STORE_URL: `sqlite://${join(dir, 'state.sqlite')}` } });
	let out = '';
	bot.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
	const closed = new Promise((resolve) => bot.on('close', resolve));
	try {
		while (!out.includes('"msg":"ready"')) {
			if (bot.exitCode !== null) throw new Error(`the bot exited before it was ready:\n${out.slice(-2000)}`);
			await new Promise((r) => setTimeout(r, 10));
		}
		const readyMs = performance.now() - started;
		await new Promise((r) => setTimeout(r, SETTLE_MS));
		return { readyMs, rssMiB: (await rssOf(bot.pid ?? 0)).now };
	} finally {
		bot.kill('SIGTERM');
		await closed;
		await emu.stop();
		await rm(dir, { recursive: true, force: true });
	}
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/**
 * Start-up and resident memory of the bot process run from the sources (tsx compiling as it
 * loads) and compiled (`npm start`), alternated run by run so both see the same machine.
 */
export async function benchStartMode(opts: { runs?: number; digestDir?: string } = {}) {
	const runs = opts.runs ?? 5;
	const digestDir = opts.digestDir ?? join(ROOT, 'data');
	const seen: Record<Entry, Start[]> = { sources: [], compiled: [] };
	// One unmeasured compiled start first: it builds dist/ if that is stale.
	await startOnce('compiled', digestDir);
	for (let i = 0; i < runs; i++) for (const mode of ['sources', 'compiled'] as const) seen[mode].push(await startOnce(mode, digestDir));
	const figure = (mode: Entry) => ({
		readyMs: Math.round(median(seen[mode].map((s) => s.readyMs))),
		rssMiB: Number(median(seen[mode].map((s) => s.rssMiB)).toFixed(1)),
	});
	const result = { runs, sources: figure('sources'), compiled: figure('compiled') };
	const ratio = { readyMs: result.compiled.readyMs / result.sources.readyMs, rssMiB: result.compiled.rssMiB / result.sources.rssMiB };
	process.stdout.write(
		`start-mode (${runs} alternated runs, medians): sources ready ${result.sources.readyMs} ms, ${result.sources.rssMiB} MiB; ` +
			`compiled ready ${result.compiled.readyMs} ms (${ratio.readyMs.toFixed(2)}×), ${result.compiled.rssMiB} MiB (${ratio.rssMiB.toFixed(2)}×)`,
	);
	return { ...result, ratio };
}
