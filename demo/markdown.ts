import { Marked, type Tokens } from 'marked';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
	gfm: true,
	breaks: true,
	renderer: {
		// Discord shows markup as text: nothing a message says becomes a tag in the page.
		html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
		link(token: Tokens.Link) {
			const text = this.parser.parseInline(token.tokens);
			return /^https?:\/\//i.test(token.href) ? `<a href="${escapeHtml(token.href)}" target="_blank" rel="noopener noreferrer">${text}</a>` : text;
		},
		image: (token: Tokens.Image) => escapeHtml(token.text),
	},
});

const MENTION = /<(@&|@!?|#)(\d{1,20})>/g;

/**
 * A message's Discord markdown as safe HTML for the page: bold, italics, links (http only),
 * lists and code as Discord draws them, and mentions as the renderer's mention chips. Raw HTML in
 * the text is shown as text.
 */
export function discordMarkdown(text: string, names: { role?: (id: string) => string; channel?: (id: string) => string } = {}): string {
	const mentions: string[] = [];
	const marked_ = text.replace(MENTION, (_, kind: string, id: string) => {
		const type = kind === '#' ? 'channel' : kind === '@&' ? 'role' : 'user';
		const label = type === 'channel' ? (names.channel?.(id) ?? id) : type === 'role' ? (names.role?.(id) ?? 'role') : 'user';
		mentions.push(`<discord-mention type="${type}">${escapeHtml(label)}</discord-mention>`);
		return `\uE000${mentions.length - 1}\uE001`;
	});
	// Discord draws `<t:unix:style>` in the reader's zone; the demo's zone is UTC.
	const timed = marked_.replace(
		/<t:(-?\d{1,13})(?::([tTdDfFR]))?>/g,
		(_, unix: string) => `${new Date(Number(unix) * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
	);
	const html = marked.parse(timed, { async: false });
	return html.replace(/\uE000(\d+)\uE001/g, (_, i: string) => mentions[Number(i)] ?? '');
}
