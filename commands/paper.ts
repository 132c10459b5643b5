import { ApplicationCommandOptionType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { choice, MAX_CHOICES } from '../src/bot/autocomplete.ts';
import type { Command } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { respond } from '../src/bot/reply.ts';
import { arxivUrl, looksLikeArxivId, parseArxivId } from '../src/digest/arxiv.ts';
import { t } from '../src/i18n.ts';
import { paperEmbed } from '../src/render/embed.ts';
import { MESSAGE_EMBEDS_TOTAL_MAX } from '../src/render/limits.ts';

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

export const paperCommand: Command = {
	data,
	async execute({ interaction, ctx, locale }) {
		const input = interaction.options.getString('id', true).trim();
		const id = parseArxivId(input);
		if (!id) throw new UserError('paper.malformed', { input: input.slice(0, 100) });
		const paper = ctx.archive.paper(id);
		if (!paper) throw new UserError('paper.unknown', { id, url: arxivUrl(id) });
		await respond(interaction, {
			content: t(locale, 'paper.appeared', { dates: paper.dates.join(', ') }),
			// Alone in its message, a paper may use the whole 6000-character budget.
			embeds: [paperEmbed(paper, { locale, maxLength: MESSAGE_EMBEDS_TOTAL_MAX })],
		});
	},
	async autocomplete({ interaction, ctx }) {
		const typed = interaction.options.getFocused().trim();
		const exact = looksLikeArxivId(typed) ? parseArxivId(typed) : null;
		const papers = ctx.archive.suggest(exact ?? typed, MAX_CHOICES);
		await interaction.respond(papers.map((p) => choice(`${p.id} · ${p.title}`, p.id)));
	},
};
