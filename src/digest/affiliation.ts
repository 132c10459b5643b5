// `·8 authors`: the source shows the author count where it found no organisation.
const AUTHOR_COUNT = /^[·•・]?\s*\d+\s*authors?(?![a-z])/i;
// The source glues a scraped counter onto the name: `Google1362`, `NVIDIA8.77k`, `UC Berkeley1.83k2`.
// Only digits right against the name are taken for it; `University 1(NOT OFFICIAL)` keeps its own.
const GLUED_COUNTER = /^(.*?[^\d\s])(?:\d+(?:\.\d+)?k\d*|\d+)$/;

/**
 * The affiliation a blog post's `기관:` names: the name with the counter glued onto it dropped,
 * or undefined when it names none (an author count, nothing).
 */
export function cleanAffiliation(value: string): string | undefined {
	const text = value.replace(/\s+/g, ' ').trim();
	if (!text || AUTHOR_COUNT.test(text)) return undefined;
	const name = (GLUED_COUNTER.exec(text)?.[1] ?? text).trim();
	return name || undefined;
}
