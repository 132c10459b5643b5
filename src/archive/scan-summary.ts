/**
 * What one scan of the digest folder changed, as a log line a person can read: counts, the
 * date range, and a few file names. A first scan of a ten-year archive touches thousands of
 * files; listing them all made one line of many kilobytes.
 */
export interface ScanChanges {
	added: readonly string[];
	changed: readonly string[];
	removed: readonly string[];
	dates: readonly string[];
}

const NAMES = 5;

function some(files: readonly string[]): string[] {
	return files.length <= NAMES ? [...files] : [...files.slice(0, NAMES), `… ${files.length - NAMES} more`];
}

export function summariseScan(r: ScanChanges): Record<string, unknown> {
	const dates = [...r.dates].sort();
	return {
		added: r.added.length,
		changed: r.changed.length,
		removed: r.removed.length,
		...(r.added.length ? { addedFiles: some(r.added) } : {}),
		...(r.changed.length ? { changedFiles: some(r.changed) } : {}),
		...(r.removed.length ? { removedFiles: some(r.removed) } : {}),
		dates: dates.length,
		...(dates.length ? { firstDate: dates[0], lastDate: dates.at(-1) } : {}),
	};
}
