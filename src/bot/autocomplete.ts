import { AUTOCOMPLETE_CHOICES_MAX, AUTOCOMPLETE_NAME_MAX } from '../render/limits.ts';
import { truncate } from '../render/text.ts';

/** One autocomplete choice with its name cut to Discord's limit. */
export function choice(name: string, value: string): { name: string; value: string } {
	return { name: truncate(name, AUTOCOMPLETE_NAME_MAX), value };
}

export const MAX_CHOICES = AUTOCOMPLETE_CHOICES_MAX;
