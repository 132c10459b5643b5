import type { Backend } from './backend.ts';

/*
 * The backend under an open store, for tests and repair tools that must read or plant exact
 * stored bytes. Kept off the store's parts so production code cannot bypass validation by accident.
 */
const backends = new WeakMap<object, Backend>();

export function registerBackend(store: object, backend: Backend): void {
	backends.set(store, backend);
}

/** Raw access to the records of a store opened by `openStore`; throws for anything else. */
export function rawRecordsOf(store: object): Pick<Backend, 'kind' | 'rawGet' | 'rawSet' | 'rawDelete' | 'keysWithPrefix'> {
	const backend = backends.get(store);
	if (!backend) throw new TypeError('not a store opened by openStore');
	return backend;
}
