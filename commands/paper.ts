import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { choice, MAX_CHOICES } from '../src/bot/autocomplete.ts';
import type { BotContext, Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { respond } from '../src/bot/reply.ts';
import { arxivUrl, looksLikeArxivId, parseArxivId } from '../src/digest/arxiv.ts';
import { t } from '../src/i18n.ts';
import type { ArchivedPaper } from '../src/digest/schema.ts';
import { appearanceDates, paperEmbed } from '../src/render/embed.ts';
import { inlineCode, oneLine, truncateEscaped } from '../src/render/text.ts';
import { MESSAGE_EMBEDS_TOTAL_MAX } from '../src/render/limits.ts';
import { saveButtonRow } from './save.ts';

const data = {
	name: 'paper',
	name_localizations: { ko: '논문' },
	description: 'Show a paper from the digests by arXiv id or link',
	description_localizations: { ko: 'arXiv ID나 링크로 다이제스트의 논문을 보여 줍니다' },
	options: [
		{
			type: ApplicationCommandOptionType.String,
			name: 'id',
			name_localizations: { ko: '아이디' },
			description: 'arXiv id (2412.04887), arXiv or Hugging Face link, or title words',
			description_localizations: { ko: 'arXiv ID(2412.04887), arXiv·Hugging Face 링크 또는 제목 단어' },
			required: true,
			autocomplete: true,
			max_length: 200,
		},
	],
} as const satisfies RESTPostAPIChatInputApplicationCommandsJSONBody;

/** How many papers a typed title may list before the member is asked for more words. */
const PICK_MAX = 5;

function normalTitle(text: string): string {
	return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The paper a typed title means: the only one whose title holds the words, or the only one whose
 * title begins with what was typed. When several fit equally, the member picks from a short list
 * rather than being shown a guess.
 */
function byTitle(ctx: BotContext, input: string): ArchivedPaper {
	const candidates = ctx.archive.suggest(input, MAX_CHOICES);
	if (candidates.length === 0) throw new UserError('paper.malformed', { input: inlineCode(input) });
	const typed = normalTitle(input);
	const exact = candidates.filter((p) => normalTitle(p.title) === typed);
	const leading = candidates.filter((p) => normalTitle(p.title).startsWith(typed));
	const best = [exact, leading, candidates].find((set) => set.length === 1)?.[0];
	if (best) return best;
	const list = (exact.length ? exact : leading.length ? leading : candidates).slice(0, PICK_MAX);
	throw new UserError('paper.pick', {
		input: inlineCode(input),
		list: list.map((p) => `• \`${p.id}\` · ${truncateEscaped(oneLine(p.title), 90)}`).join('\n'),
	});
}

export const paperCommand: Command = {
	data,
	async execute({ interaction, ctx, locale }) {
		const input = interaction.options.getString('id', true).trim();
		const id = parseArxivId(input);
		const paper = id ? ctx.archive.paper(id) : byTitle(ctx, input);
		if (!paper) throw new UserError('paper.unknown', { id: String(id), url: arxivUrl(String(id)) });
		await respond(interaction, {
			content: t(locale, 'paper.appeared', { dates: appearanceDates(paper).join(', ') }),
			// Alone in its message, a paper may use the whole 6000-character budget.
			embeds: [paperEmbed(paper, { locale, maxLength: MESSAGE_EMBEDS_TOTAL_MAX })],
			components: [saveButtonRow(paper.id, locale)],
		});
	},
	async autocomplete({ interaction, ctx }) {
		const typed = interaction.options.getFocused().trim();
		const exact = looksLikeArxivId(typed) ? parseArxivId(typed) : null;
		const papers = ctx.archive.suggest(exact ?? typed, MAX_CHOICES);
		await interaction.respond(papers.map((p) => choice(`${p.id} · ${p.title}`, p.id)));
	},
};
