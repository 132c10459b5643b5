/**
 * An index's words in sorted order, for prefix look-ups, without ever sorting all of them at
 * once: keys live in buckets by their first two characters (UTF-16 code units, as `<` compares
 * them), a new key is appended to its bucket, and a bucket is sorted when it is next read or by
 * `tidy` between other work. Every key starting with a given two characters is in one bucket,
 * so the buckets in name order, each sorted, are the whole vocabulary in order.
 */
export class Vocabulary {
	private readonly buckets = new Map<string, string[]>();
	/** Bucket names by their first character, for one-character prefixes. */
	private readonly heads = new Map<string, string[]>();
	/** Buckets and head lists appended to since they were last sorted. */
	private readonly unsorted = new Set<string[]>();

	add(key: string): void {
		const name = key.slice(0, 2);
		let bucket = this.buckets.get(name);
		if (!bucket) {
			bucket = [];
			this.buckets.set(name, bucket);
			const head = name.slice(0, 1);
			let names = this.heads.get(head);
			if (!names) {
				names = [];
				this.heads.set(head, names);
			}
			names.push(name);
			this.unsorted.add(names);
		}
		bucket.push(key);
		this.unsorted.add(bucket);
	}

	/** Every key starting with `prefix` (not empty), in sorted order. */
	*withPrefix(prefix: string): Generator<string> {
		if (prefix.length >= 2) {
			const bucket = this.sorted(this.buckets.get(prefix.slice(0, 2)));
			for (let i = lowerBound(bucket, prefix); i < bucket.length; i++) {
				const key = bucket[i] ?? '';
				if (!key.startsWith(prefix)) return;
				yield key;
			}
			return;
		}
		for (const name of this.sorted(this.heads.get(prefix))) yield* this.sorted(this.buckets.get(name));
	}

	/** Sorts waiting buckets until `deadline` (a `performance.now()` time); true while some still wait. */
	tidy(deadline: number): boolean {
		for (const list of this.unsorted) {
			if (performance.now() >= deadline) return true;
			this.sorted(list);
		}
		return false;
	}

	clear(): void {
		this.buckets.clear();
		this.heads.clear();
		this.unsorted.clear();
	}

	private sorted(list: string[] | undefined): string[] {
		if (!list) return [];
		if (this.unsorted.delete(list)) list.sort();
		return list;
	}
}

export function lowerBound(sorted: string[], key: string): number {
	let lo = 0;
	let hi = sorted.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((sorted[mid] ?? '') < key) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
