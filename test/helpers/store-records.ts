import { rawRecordsOf } from '../../src/store/raw.ts';
import type { Store } from '../../src/store/store.ts';

/** The exact stored text of a store's records, bypassing validation: for planting corrupt or old-format records. */
export function storeRecords(store: Store) {
	const backend = rawRecordsOf(store);
	return {
		kind: backend.kind,
		get: (key: string) => backend.rawGet(key),
		set: (key: string, text: string) => backend.rawSet(key, text),
		delete: (key: string) => backend.rawDelete(key),
		keys: (prefix: string) => backend.keysWithPrefix(prefix),
	};
}
