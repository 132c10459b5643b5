import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Archive } from '../src/archive/archive.ts';
import { ArchiveLoader } from '../src/archive/load.ts';
import { papersFor, writeDigest } from './helpers/digests.ts';

describe('ArchiveLoader.scan settleAt', () => {
	let dir: string | undefined;
	afterEach(async () => {
		if (dir) await rm(dir, { recursive: true, force: true });
		dir = undefined;
	});

	it('says when the earliest file still being written will have settled, and nothing once all are read', async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-settle-'));
		const a = await writeDigest(dir, '2025-01-06', papersFor('2025-01-06', 2));
		const b = await writeDigest(dir, '2025-01-07', papersFor('2025-01-07', 2));
		const [ma, mb] = [(await stat(a)).mtimeMs, (await stat(b)).mtimeMs];
		let now = Math.max(ma, mb);
		const loader = new ArchiveLoader({ dir, archive: new Archive(), settleMs: 5000, now: () => now });

		const early = await loader.scan();
		expect(early.added).toEqual([]);
		expect(early.settleAt).toBe(Math.min(ma, mb) + 5000);

		now = Math.max(ma, mb) + 5000;
		const settled = await loader.scan();
		expect(settled.added).toHaveLength(2);
		expect(settled.settleAt).toBeUndefined();
	});
});
