import type { APIActionRowComponent, APIComponentInMessageActionRow, APIEmbed, APISelectMenuOption } from 'discord.js';
import { huggingFaceUrl } from '../digest/arxiv.ts';
import { ArxivId, type ArchivedPaper } from '../digest/schema.ts';
import { t, type Locale } from '../i18n.ts';
import { PAPER_COLOR, checkRoleId, digestLead, embedUrl, shortenAuthors, type DigestMessagesOptions, type MessageBody } from './embed.ts';
import { EMBED_DESCRIPTION_MAX } from './limits.ts';
import { linkTarget, oneLine, truncate, truncateEscaped, wellFormed } from './text.ts';

/** A rendered message and the papers it holds, in order: what the ledger records once it is posted. */
export interface RenderedMessage {
	body: MessageBody;
	paperIds: string[];
}

/** Discord's string select: at most 25 options, labels and descriptions of at most 100. */
const MENU_OPTIONS_MAX = 25;
const OPTION_TEXT_MAX = 100;
const PLACEHOLDER_MAX = 150;
/** Two menus under a message keep it one glance; a longer day goes on in a second message. */
const MENUS_PER_MESSAGE = 2;
const PAPERS_PER_MESSAGE = MENU_OPTIONS_MAX * MENUS_PER_MESSAGE;
/** A digest date is ten characters; the custom id has room for 100. */
const CUSTOM_ID_DATE_MAX = 20;
/** Long enough to recognise a paper; the card has the whole title. */
const TITLE_MAX = 100;
const NBSP = '\u00a0';

/** The custom id prefix of "Read a summary" menus: `card:<date>:<first rank>`, the papers are the option values. */
export const CARD_MENU_PREFIX = 'card';

/** `**3.** [Title](arXiv) · ▲ 12 · [HF](page)`: one line, whatever the title holds. */
export function compactLine(paper: ArchivedPaper, rank: number, titleMax = TITLE_MAX): string {
	const title = truncateEscaped(oneLine(wellFormed(paper.title)), titleMax) || '…';
	const url = embedUrl(paper.url);
	// The votes and the HF link are bound to each other and to the title's last word by
	// no-break spaces, so a wrapped line never leaves "· HF" alone on the next one.
	const tail: string[] = [];
	if (paper.votes !== null) tail.push(`▲${NBSP}${paper.votes}`);
	if (ArxivId.safeParse(paper.id).success) tail.push(`[HF](${linkTarget(huggingFaceUrl(paper.id))})`);
	const head = `**${rank}.** ${url ? `[${title}](${linkTarget(url)})` : title}`;
	return tail.length ? `${head}${NBSP}·${NBSP}${tail.join(`${NBSP}·${NBSP}`)}` : head;
}

function menu(
	date: string,
	id: number,
	papers: readonly ArchivedPaper[],
	firstRank: number,
	locale: Locale,
	ofMany: boolean,
): APIActionRowComponent<APIComponentInMessageActionRow> {
	const options: APISelectMenuOption[] = papers.map((p, i) => {
		const option: APISelectMenuOption = {
			label: truncate(`${firstRank + i}. ${oneLine(wellFormed(p.title))}`, OPTION_TEXT_MAX),
			// Ids are short and unique within a day; a value is at most 100 and never empty.
			value: truncate(wellFormed(p.id), OPTION_TEXT_MAX) || String(firstRank + i),
		};
		// The list already shows the votes; the authors tell apart papers whose titles begin alike.
		const authors = shortenAuthors(p.authors, OPTION_TEXT_MAX, locale).replace(/\\(.)/g, '$1');
		if (authors) option.description = authors;
		return option;
	});
	const last = firstRank + papers.length - 1;
	const placeholder = ofMany ? t(locale, 'compact.pickRange', { from: firstRank, to: last }) : t(locale, 'compact.pick');
	return {
		type: 1,
		components: [
			{
				type: 3,
				custom_id: `${CARD_MENU_PREFIX}:${truncate(wellFormed(oneLine(date)), CUSTOM_ID_DATE_MAX)}:${id}`,
				placeholder: truncate(placeholder, PLACEHOLDER_MAX),
				options,
			},
		],
	};
}

/**
 * A digest as a numbered list, one line per paper, with "Read a summary" menus under it: a
 * 40-paper day is one or two messages rather than a dozen. Lines are packed into one embed's
 * 4096 and at most 50 papers a message (two menus of 25). Deterministic, no nonce.
 */
export function compactMessages(date: string, papers: readonly ArchivedPaper[], opts: DigestMessagesOptions & { firstRank?: number } = {}): RenderedMessage[] {
	const locale = opts.locale ?? 'ko';
	checkRoleId(opts.roleId);
	const firstRank = opts.firstRank ?? 1;
	const groups: ArchivedPaper[][] = [];
	let current: ArchivedPaper[] = [];
	let length = 0;
	for (const [i, paper] of papers.entries()) {
		const line = compactLine(paper, firstRank + i);
		if (current.length >= PAPERS_PER_MESSAGE || (current.length > 0 && length + 1 + line.length > EMBED_DESCRIPTION_MAX)) {
			groups.push(current);
			current = [];
			length = 0;
		}
		current.push(paper);
		length += (length ? 1 : 0) + line.length;
	}
	if (current.length) groups.push(current);

	let rank = firstRank;
	const ofMany = (opts.count ?? papers.length) > MENU_OPTIONS_MAX;
	const messages: RenderedMessage[] = groups.map((group) => {
		const embed: APIEmbed = { color: PAPER_COLOR, description: group.map((p, i) => compactLine(p, rank + i)).join('\n') };
		const components: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
		for (let at = 0; at < group.length; at += MENU_OPTIONS_MAX) {
			// Named by its first rank, not its position: a message drawn again alone names its menus alike.
			components.push(menu(date, rank + at, group.slice(at, at + MENU_OPTIONS_MAX), rank + at, locale, ofMany));
		}
		rank += group.length;
		return { body: { embeds: [embed], components, allowed_mentions: { parse: [] } }, paperIds: group.map((p) => p.id) };
	});

	const header = opts.header ?? true;
	if (messages.length === 0 && (header || opts.roleId !== undefined)) messages.push({ body: { embeds: [], allowed_mentions: { parse: [] } }, paperIds: [] });
	const first = messages[0];
	if (first) Object.assign(first.body, digestLead(date, papers.length, opts));
	return messages;
}
