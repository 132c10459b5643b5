import type { MessageKey } from '../i18n.ts';

/** An expected failure: shown to the user ephemerally, in their language, and not logged as an error. */
export class UserError extends Error {
	constructor(
		readonly key: MessageKey,
		readonly params: Record<string, string | number> = {},
	) {
		super(key);
		this.name = 'UserError';
	}
}
