import { parseArxivId } from '../digest/arxiv.ts';
import type { ArxivId } from '../digest/schema.ts';

/** A message as Discord's API shapes it, reduced to what can name a paper. */
export interface MessageText {
	content: string;
	embeds: ReadonlyArray<{
		url?: string | undefined;
		title?: string | undefined;
		description?: string | undefined;
		fields?: ReadonlyArray<{ value: string }> | undefined;
	}>;
	components: readonly unknown[];
}

const LINK = /\]\((<?)(https?:\/\/[^\s)>]+)>?\)/g;
const BARE_URL = /https?:\/\/[^\s)>\]]+/g;

/** Select-menu values and button custom ids, wherever they sit in the rows. */
function componentTexts(node: unknown, out: string[]): void {
	if (Array.isArray(node)) {
		for (const item of node) componentTexts(item, out);
		return;
	}
	if (node === null || typeof node !== 'object') return;
	const c = node as { custom_id?: unknown; options?: unknown; components?: unknown };
	if (typeof c.custom_id === 'string') out.push(c.custom_id.split(':').at(-1) ?? '');
	if (Array.isArray(c.options)) for (const o of c.options as Array<{ value?: unknown }>) if (typeof o.value === 'string') out.push(o.value);
	componentTexts(c.components, out);
}

/**
 * The papers a Paperboy message shows, in the order it shows them: its cards' links, the links
 * of a list, the options of a "read a summary" menu. Each once; what is not an arXiv id is dropped.
 */
export function papersInMessage(message: MessageText): ArxivId[] {
	const texts: string[] = [];
	const links = (text: string | undefined) => {
		if (!text) return;
		for (const m of text.matchAll(LINK)) texts.push(m[2] ?? '');
		for (const m of text.matchAll(BARE_URL)) texts.push(m[0]);
	};
	links(message.content);
	for (const embed of message.embeds) {
		if (embed.url) texts.push(embed.url);
		links(embed.description);
		for (const field of embed.fields ?? []) links(field.value);
	}
	componentTexts(message.components, texts);
	const ids: ArxivId[] = [];
	for (const text of texts) {
		const id = parseArxivId(text);
		if (id && !ids.includes(id)) ids.push(id);
	}
	return ids;
}
