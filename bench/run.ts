import { writeFile } from 'node:fs/promises';
import { benchAlerts } from './alerts.ts';
import { benchArchive } from './archive.ts';
import { benchDelivery } from './delivery.ts';
import { benchFanoutProxy } from './fanout-proxy.ts';
import { benchIndexStart } from './index-start.ts';
import { benchLanding } from './landing.ts';
import { benchMemory } from './memory.ts';
import { benchMixedLoad } from './mixed-load.ts';
import { benchParse } from './parse.ts';
import { resultsMarkdown } from './results.ts';
import { benchStartMode } from './start-mode.ts';
import { benchTimers } from './timers.ts';

/** `--name value` from the command line, if given. */
function flag(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i === -1 ? undefined : process.argv[i + 1];
}
const archiveDir = flag('archive');
const days = flag('days') === undefined ? undefined : Number(flag('days'));
/** The revision the index bench compares against (default: the one before the archive's index file; `none` for no comparison). */
const baseline = flag('baseline');

// One entry per benchmark; add a section by appending to this list.
// The sections that read an archive take `--archive DIR` (any digest folder) and `--days N` (the generated one's length).
const folder = { ...(archiveDir ? { archiveDir } : {}), ...(days ? { days } : {}) };
const sections: { name: string; run: () => Promise<unknown> }[] = [
	{ name: 'archive', run: () => benchArchive(folder) },
	{ name: 'delivery', run: () => benchDelivery() },
	{ name: 'memory', run: () => benchMemory(folder) },
	{ name: 'landing', run: () => benchLanding() },
	{ name: 'alerts', run: () => benchAlerts() },
	{ name: 'start-mode', run: () => benchStartMode(archiveDir ? { digestDir: archiveDir } : {}) },
	{ name: 'mixed-load', run: () => benchMixedLoad({ ...(archiveDir ? { archiveDir } : {}), ...(days ? { files: days } : {}) }) },
	{
		name: 'index',
		run: () =>
			benchIndexStart({
				...(archiveDir ? { archiveDir } : {}),
				...(days ? { files: days } : {}),
				...(baseline ? { baseline: baseline === 'none' ? '' : baseline } : {}),
			}),
	},
	{ name: 'fanout-proxy', run: () => benchFanoutProxy() },
	{ name: 'timers', run: () => benchTimers() },
	{ name: 'parse', run: () => benchParse(archiveDir ? { archiveDir } : {}) },
];

const FLAG_VALUES = new Set([archiveDir, flag('days'), baseline]);
const only = process.argv.slice(2).filter((a) => !a.startsWith('--') && !FLAG_VALUES.has(a));
const results: Record<string, unknown> = {};
for (const section of sections) {
	if (only.length && !only.includes(section.name)) continue;
	results[section.name] = await section.run();
	process.stdout.write('\n');
}
if (!only.length) {
	const table = resultsMarkdown(results);
	process.stdout.write(`${table}\n`);
	await writeFile(new URL('./results.md', import.meta.url), table);
}
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
