import type { APIEmbed } from 'discord.js';
import type { ArchivedPaper } from '../digest/schema.ts';
import { t, type Locale } from '../i18n.ts';
import { PAPER_COLOR, embedLength, embedUrl } from './embed.ts';
import { EMBED_DESCRIPTION_MAX, EMBED_FOOTER_MAX, EMBED_TITLE_MAX, MESSAGE_EMBEDS_TOTAL_MAX } from './limits.ts';
import { linkTarget, oneLine, truncate, truncateEscaped, wellFormed } from './text.ts';

export interface PaperListOptions {
	title: string;
	papers: readonly ArchivedPaper[];
	/** Rank of `papers[0]` (pages after the first start later). */
	startRank: number;
	footer?: string;
	locale?: Locale;
	/** Description when `papers` is empty. */
	empty?: string;
}

/** A title longer than this crowds a one-line list; shortened further only when a page is long. */
const LIST_TITLE_MAX = 160;
const LIST_TITLE_MIN = 24;
/** Room for `2024-12-09`; anything longer is not a date. */
const DATE_MAX = 16;

function line(paper: ArchivedPaper, rank: number, titleMax: number): string {
	const title = truncateEscaped(oneLine(wellFormed(paper.title)), titleMax) || '…';
	const url = embedUrl(paper.url);
	const parts = [`**${rank}.** ${url ? `[${title}](${linkTarget(url)})` : title}`];
	if (paper.votes !== null) parts.push(`▲ ${paper.votes}`);
	const date = truncate(oneLine(wellFormed(paper.date)), DATE_MAX);
	if (date) parts.push(date);
	return parts.join(' · ');
}

/**
 * A compact ranked list, one line per paper (`**1.** [Title](url) · ▲ 12 · 2024-12-09`), for
 * `/top` and `/search` pages. Titles shrink to keep a long page within 4096; if even that is
 * not enough the last lines give way to a "… and n more" line.
 */
export function paperListEmbed(opts: PaperListOptions): APIEmbed {
	const locale = opts.locale ?? 'ko';
	const title = truncate(oneLine(wellFormed(opts.title)), EMBED_TITLE_MAX);
	const embed: APIEmbed = { color: PAPER_COLOR };
	if (title) embed.title = title;

	const papers = opts.papers;
	const render = (titleMax: number) => papers.map((p, i) => line(p, opts.startRank + i, titleMax));
	let lines = render(LIST_TITLE_MAX);
	const total = (ls: string[]) => ls.reduce((n, l) => n + l.length, 0) + Math.max(0, ls.length - 1);
	if (total(lines) > EMBED_DESCRIPTION_MAX) {
		const overhead = total(render(0)) - papers.length; // each empty title renders as one `…`
		const share = Math.floor((EMBED_DESCRIPTION_MAX - overhead) / Math.max(1, papers.length));
		lines = render(Math.max(LIST_TITLE_MIN, Math.min(LIST_TITLE_MAX, share)));
	}
	let description = lines.join('\n');
	if (description.length > EMBED_DESCRIPTION_MAX) {
		const kept: string[] = [];
		let length = 0;
		for (const [i, l] of lines.entries()) {
			const more = t(locale, 'list.more', { n: lines.length - i });
			if (length + l.length + 1 + more.length + 1 > EMBED_DESCRIPTION_MAX) {
				kept.push(more);
				break;
			}
			kept.push(l);
			length += l.length + 1;
		}
		description = kept.join('\n');
	}
	embed.description = papers.length ? description : truncate(oneLine(wellFormed(opts.empty ?? t(locale, 'list.empty'))), EMBED_DESCRIPTION_MAX);

	if (opts.footer !== undefined) {
		// Title and description may already use 4352 of the message's 6000.
		const room = Math.min(EMBED_FOOTER_MAX, MESSAGE_EMBEDS_TOTAL_MAX - embedLength(embed));
		const footer = truncate(wellFormed(opts.footer), room);
		if (footer) embed.footer = { text: footer };
	}
	return embed;
}
