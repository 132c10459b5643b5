import type { Locale } from '../i18n.ts';
import { inlineCode } from '../render/text.ts';
import { UserError } from './errors.ts';

interface NamedOption {
	readonly name: string;
	readonly name_localizations?: { readonly ko?: string };
}

interface IntegerOption extends NamedOption {
	readonly min_value: number;
	readonly max_value: number;
}

interface ChoiceOption<T extends string> extends NamedOption {
	readonly choices: readonly (NamedOption & { readonly value: T })[];
}

function localName(option: NamedOption, locale: Locale): string {
	return (locale === 'ko' && option.name_localizations?.ko) || option.name;
}

/*
 * Discord enforces a definition's bounds and choices in its own client, but a stale client, a
 * definition deployed later than the code or a crafted payload can send anything. What is out of
 * range is the member's mistake, answered as one, and the bounds come from the definition itself so
 * that the check and what Discord shows cannot drift apart.
 */

/** `value` if it is a whole number within the option's bounds (or null when not given). */
export function boundedInteger(option: IntegerOption, value: number | null, locale: Locale): number | null {
	if (value === null) return null;
	if (Number.isInteger(value) && value >= option.min_value && value <= option.max_value) return value;
	throw new UserError('option.range', {
		option: localName(option, locale),
		min: option.min_value,
		max: option.max_value,
		input: inlineCode(String(value), 40),
	});
}

/** `value` if it is one of the option's choices (or null when not given). */
export function oneOfChoices<T extends string>(option: ChoiceOption<T>, value: string | null, locale: Locale): T | null {
	if (value === null) return null;
	const found = option.choices.find((c) => c.value === value);
	if (found) return found.value;
	throw new UserError('option.choice', {
		option: localName(option, locale),
		choices: option.choices.map((c) => `\`${localName(c, locale)}\``).join(', '),
		input: inlineCode(value, 40),
	});
}
