import type { ArchivedPaper } from '../digest/schema.ts';
import type { DigestFormat } from '../store/schema.ts';
import { compactMessages, type RenderedMessage } from './compact.ts';
import { digestMessages, type DigestMessagesOptions } from './embed.ts';

/** A digest in the format a channel chose, each message with the papers it holds. */
export function renderDigest(
	format: DigestFormat | undefined,
	date: string,
	papers: readonly ArchivedPaper[],
	opts: DigestMessagesOptions = {},
): RenderedMessage[] {
	if (format === 'compact') return compactMessages(date, papers, opts);
	let offset = 0;
	return digestMessages(date, papers, opts).map((body) => {
		const paperIds = papers.slice(offset, offset + body.embeds.length).map((p) => p.id);
		offset += body.embeds.length;
		return { body, paperIds };
	});
}
