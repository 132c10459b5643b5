import type { APIActionRowComponent, APIAllowedMentions, APIComponentInMessageActionRow, APIEmbed, APIEmbedField } from 'discord.js';
import { arxivPdfUrl, arxivUrl, huggingFaceUrl } from '../digest/arxiv.ts';
import { ArxivId, type ArchivedPaper, type SummaryItem } from '../digest/schema.ts';
import {
	EMBED_DESCRIPTION_MAX,
	EMBED_FIELD_VALUE_MAX,
	EMBED_TITLE_MAX,
	EMBED_URL_MAX,
	MESSAGE_CONTENT_MAX,
	MESSAGE_EMBEDS_MAX,
	MESSAGE_EMBEDS_TOTAL_MAX,
} from './limits.ts';
import { summaryLabel, t, tCount, type Locale } from '../i18n.ts';
import { ELLIPSIS, escapeMarkdown, oneLine, truncate, truncateEscaped, wellFormed } from './text.ts';

/** What one `POST /channels/{id}/messages` carries. Delivery adds `nonce`/`enforce_nonce`. */
export type MessageBody = {
	content?: string;
	embeds: APIEmbed[];
	components?: APIActionRowComponent<APIComponentInMessageActionRow>[];
	allowed_mentions: APIAllowedMentions;
	nonce?: string;
	enforce_nonce?: boolean;
};

/** The digest's colour on every paper embed. */
export const PAPER_COLOR = 0xffb000;

/**
 * Default size of one paper embed: four share a message's 6000. Real summaries fit (the
 * corpus's 99th percentile is ~1,100 units of bullets), a day of 16 papers is four messages.
 */
export const PAPER_EMBED_BUDGET = Math.floor(MESSAGE_EMBEDS_TOTAL_MAX / 4);

const AUTHORS_MAX = 200;
const AFFILIATION_MAX = 100;
const FOOTER_MAX = 100;
const LABEL_MAX = 64;
/** Below this a bullet says nothing; fewer, whole-ish bullets read better than many stubs. */
const BULLET_MIN = 40;

/** What Discord counts toward a message's 6000: title, description, field names and values, footer, author name. */
export function embedLength(embed: APIEmbed): number {
	let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
	for (const field of embed.fields ?? []) n += field.name.length + field.value.length;
	return n + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
}

/** `url` if Discord would accept it as an embed link or image: absolute http(s), at most 2048 units. */
export function embedUrl(url: string | null | undefined, schemes: readonly string[] = ['https:', 'http:']): string | null {
	if (!url || url.length > EMBED_URL_MAX) return null;
	try {
		return schemes.includes(new URL(url).protocol) && wellFormed(url) === url && !/\s/.test(url) ? url : null;
	} catch {
		return null;
	}
}

/**
 * Authors joined until `max`: `A, B, C and 12 others` / `A, B, C 외 12명`. At least one name,
 * cut if it alone is too long.
 */
export function shortenAuthors(authors: readonly string[], max: number, locale: Locale = 'ko'): string {
	const raw = authors.map((a) => oneLine(wellFormed(a))).filter((a) => a);
	const first = raw[0];
	if (first === undefined) return '';
	const names = raw.map(escapeMarkdown);
	const full = names.join(', ');
	if (full.length <= max) return full;
	let best = '';
	let joined = '';
	for (let k = 1; k < names.length; k++) {
		joined = k === 1 ? (names[0] ?? '') : `${joined}, ${names[k - 1] ?? ''}`;
		const candidate = joined + tCount(locale, 'paper.others', names.length - k);
		if (candidate.length > max) break;
		best = candidate;
	}
	if (best) return best;
	// Even the first name with "and n others" is too long: cut that name.
	const suffix = names.length > 1 ? tCount(locale, 'paper.others', names.length - 1) : '';
	if (max - suffix.length < 8) return truncateEscaped(first, max);
	return truncateEscaped(first, max - suffix.length) + suffix;
}

function bulletPrefix(item: SummaryItem, locale: Locale): string {
	if (item.label === null) return '• ';
	const label = truncateEscaped(oneLine(wellFormed(summaryLabel(locale, item.label))), LABEL_MAX);
	return label ? `**${label}**: ` : '• ';
}

/**
 * The summary as one line per bullet within `max`: whole bullets when they fit, else room
 * shared out evenly (short bullets keep all of theirs, long ones split the rest) and each cut
 * at a sentence or word; trailing bullets are dropped only when each would get under BULLET_MIN.
 * The parser hands over plain text, so markdown characters are escaped, not left to format.
 */
export function summaryDescription(summary: readonly SummaryItem[], max: number, locale: Locale = 'ko'): string {
	let bullets = summary
		.map((item) => {
			const raw = oneLine(wellFormed(item.text));
			return { prefix: bulletPrefix(item, locale), raw, text: escapeMarkdown(raw) };
		})
		.filter((b) => b.text);
	const size = (bs: typeof bullets) => bs.reduce((n, b) => n + b.prefix.length + b.text.length, 0) + Math.max(0, bs.length - 1);
	if (size(bullets) <= max) return bullets.map((b) => b.prefix + b.text).join('\n');
	const room = (bs: typeof bullets) => max - bs.reduce((n, b) => n + b.prefix.length, 0) - Math.max(0, bs.length - 1);
	while (bullets.length > 1 && room(bullets) < bullets.length * BULLET_MIN) bullets = bullets.slice(0, -1);
	let left = room(bullets);
	if (left < 1) return truncate(bullets.map((b) => b.prefix + b.text).join('\n'), max);
	const caps = new Map<number, number>();
	const order = bullets.map((b, i) => i).sort((a, b) => (bullets[a]?.text.length ?? 0) - (bullets[b]?.text.length ?? 0));
	order.forEach((i, rank) => {
		const share = Math.floor(left / (order.length - rank));
		const cap = Math.min(bullets[i]?.text.length ?? 0, share);
		caps.set(i, cap);
		left -= cap;
	});
	return bullets
		.map((b, i) => {
			const cap = caps.get(i) ?? 0;
			return b.prefix + (b.text.length <= cap ? b.text : truncateEscaped(b.raw, cap));
		})
		.join('\n');
}

export interface PaperEmbedOptions {
	locale?: Locale;
	/** Shown as `rank. Title`. */
	rank?: number;
	/** Upper bound on `embedLength` (default PAPER_EMBED_BUDGET; up to 6000 for a paper shown alone). */
	maxLength?: number;
}

/** One paper as one embed, `embedLength` ≤ `maxLength`, every part within Discord's limits. */
function paperLinks(paper: ArchivedPaper, locale: Locale): string {
	return [
		`[${t(locale, 'paper.link.abstract')}](${arxivUrl(paper.id)})`,
		`[${t(locale, 'paper.link.pdf')}](${arxivPdfUrl(paper.id)})`,
		// The page the digest linked, when it gave one; every daily paper has one under its id.
		`[${t(locale, 'paper.link.hf')}](${embedUrl(paper.pageUrl, ['https:']) ?? huggingFaceUrl(paper.id)})`,
	].join(' · ');
}

/** Every digest a paper appeared in, oldest first: the one order wherever they are listed. */
export function appearanceDates(paper: ArchivedPaper): string[] {
	return [...new Set([...paper.dates, paper.date])].sort();
}

export function paperEmbed(paper: ArchivedPaper, opts: PaperEmbedOptions = {}): APIEmbed {
	const locale = opts.locale ?? 'ko';
	const max = Math.max(1, Math.min(MESSAGE_EMBEDS_TOTAL_MAX, Math.floor(opts.maxLength ?? PAPER_EMBED_BUDGET)));

	const prefix = opts.rank === undefined ? '' : `${opts.rank}. `;
	const titleMax = Math.min(EMBED_TITLE_MAX, Math.max(1, Math.floor(max / 4)));
	const title = truncate(prefix, titleMax) + truncateEscaped(oneLine(wellFormed(paper.title)), titleMax - Math.min(prefix.length, titleMax));

	const embed: APIEmbed = { title: title || ELLIPSIS, color: PAPER_COLOR };
	const url = embedUrl(paper.url);
	if (url) embed.url = url;

	const fields: APIEmbedField[] = [];
	const authors = shortenAuthors(paper.authors, Math.min(AUTHORS_MAX, EMBED_FIELD_VALUE_MAX, Math.floor(max / 6)), locale);
	if (authors) fields.push({ name: t(locale, 'paper.authors'), value: authors, inline: false });
	if (paper.votes !== null) fields.push({ name: t(locale, 'paper.votes'), value: `▲ ${paper.votes}`, inline: true });
	// The title links to the abstract; a reader also wants the PDF and the discussion page in one click.
	const affiliation = paper.affiliation ? truncateEscaped(oneLine(wellFormed(paper.affiliation)), AFFILIATION_MAX) : '';
	if (affiliation) fields.push({ name: t(locale, 'paper.affiliation'), value: affiliation, inline: true });
	if (ArxivId.safeParse(paper.id).success) fields.push({ name: t(locale, 'paper.links'), value: paperLinks(paper, locale), inline: true });
	if (fields.length) embed.fields = fields;

	const dates = appearanceDates(paper);
	const footer = truncate(wellFormed(`arXiv:${paper.id} · ${dates.join(', ')}`), Math.min(FOOTER_MAX, Math.floor(max / 10)));
	if (footer) embed.footer = { text: footer };

	const room = Math.min(EMBED_DESCRIPTION_MAX, max - embedLength(embed));
	const description = room > 0 ? summaryDescription(paper.summary, room, locale) : '';
	if (description) embed.description = description;

	const thumbnail = embedUrl(paper.thumbnail, ['https:']);
	if (thumbnail) embed.thumbnail = { url: thumbnail };

	// Only a tiny maxLength gets here over budget: give up parts, least telling first.
	if (embedLength(embed) > max) delete embed.fields;
	if (embedLength(embed) > max) delete embed.footer;
	if (embedLength(embed) > max) embed.title = truncate(embed.title ?? '', max);
	return embed;
}

export interface DigestMessagesOptions {
	locale?: Locale;
	/** A role to mention in the first message (a snowflake); only it may ping. */
	roleId?: string;
	/** A `📰 Daily Papers — date (n papers)` line on the first message (default true). */
	header?: boolean;
	/** A weekly roll-up's window: the header names it instead of one day. */
	week?: { from: string; to: string };
	/** The header says these papers were added to a digest already posted. */
	added?: boolean;
	/** The size of the whole batch when these papers are part of one (a message drawn again): the header's count. */
	count?: number;
}

/**
 * What the first message of a digest says above its papers — the role mention and the header
 * line — and who it may ping: that role alone. Shared by every format.
 */
export function digestLead(date: string, count: number, opts: DigestMessagesOptions): Pick<MessageBody, 'content' | 'allowed_mentions'> {
	const locale = opts.locale ?? 'ko';
	const parts: string[] = [];
	if (opts.roleId !== undefined) parts.push(`<@&${opts.roleId}>`);
	if (opts.header ?? true) {
		const clean = (d: string) => wellFormed(oneLine(d));
		const n = opts.count ?? count;
		parts.push(
			opts.added
				? tCount(locale, 'digest.added', n, { date: clean(opts.week ? `${opts.week.from} – ${opts.week.to}` : date) })
				: opts.week
					? tCount(locale, 'digest.weeklyHeader', n, { from: clean(opts.week.from), to: clean(opts.week.to) })
					: tCount(locale, 'digest.header', n, { date: clean(date) }),
		);
	}
	return {
		...(parts.length ? { content: truncate(parts.join(' '), MESSAGE_CONTENT_MAX) } : {}),
		allowed_mentions: opts.roleId !== undefined ? { parse: [], roles: [opts.roleId] } : NO_PINGS(),
	};
}

/** A role id as Discord writes one; anything else in a mention would be a way to ping others. */
export function checkRoleId(roleId: string | undefined): void {
	if (roleId !== undefined && !/^[1-9]\d{0,19}$/.test(roleId)) {
		throw new TypeError(`roleId must be a snowflake, got ${JSON.stringify(roleId.slice(0, 40))}`);
	}
}

const NO_PINGS = (): APIAllowedMentions => ({ parse: [] });

/**
 * A digest as messages to post in order: embeds packed greedily, at most 10 and 6000 units
 * per message, each paper exactly once in the given order. Deterministic, no nonce.
 */
export function digestMessages(date: string, papers: readonly ArchivedPaper[], opts: DigestMessagesOptions = {}): MessageBody[] {
	const locale = opts.locale ?? 'ko';
	checkRoleId(opts.roleId);
	const messages: MessageBody[] = [];
	let current: MessageBody = { embeds: [], allowed_mentions: NO_PINGS() };
	let used = 0;
	for (const paper of papers) {
		let embed = paperEmbed(paper, { locale });
		let length = embedLength(embed);
		if (length > MESSAGE_EMBEDS_TOTAL_MAX) {
			embed = paperEmbed(paper, { locale, maxLength: MESSAGE_EMBEDS_TOTAL_MAX });
			length = embedLength(embed);
		}
		if (current.embeds.length >= MESSAGE_EMBEDS_MAX || used + length > MESSAGE_EMBEDS_TOTAL_MAX) {
			messages.push(current);
			current = { embeds: [], allowed_mentions: NO_PINGS() };
			used = 0;
		}
		current.embeds.push(embed);
		used += length;
	}
	if (current.embeds.length) messages.push(current);
	const header = opts.header ?? true;
	// An empty digest still gets its header (or ping) if one was asked for; otherwise nothing to post.
	if (messages.length === 0 && (header || opts.roleId !== undefined)) messages.push(current);

	const first = messages[0];
	if (first) Object.assign(first, digestLead(date, papers.length, opts));
	return messages;
}
