import { benchArchive } from './archive.ts';

// One entry per benchmark; add a section by appending to this list.
const sections: { name: string; run: () => Promise<unknown> }[] = [{ name: 'archive', run: () => benchArchive() }];

const results: Record<string, unknown> = {};
for (const section of sections) {
	results[section.name] = await section.run();
	process.stdout.write('\n');
}
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
