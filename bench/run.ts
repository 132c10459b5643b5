import { writeFile } from 'node:fs/promises';
import { benchArchive } from './archive.ts';
import { benchDelivery } from './delivery.ts';
import { benchMemory } from './memory.ts';
import { resultsMarkdown } from './results.ts';

// One entry per benchmark; add a section by appending to this list.
const sections: { name: string; run: () => Promise<unknown> }[] = [
	{ name: 'archive', run: () => benchArchive() },
	{ name: 'delivery', run: () => benchDelivery() },
	{ name: 'memory', run: () => benchMemory() },
];

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
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
