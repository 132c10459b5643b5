import type { SelectRoute } from '../src/bot/command.ts';
import { UserError } from '../src/bot/errors.ts';
import { respond } from '../src/bot/reply.ts';
import { arxivUrl, parseArxivId } from '../src/digest/arxiv.ts';
import { IsoDate } from '../src/digest/schema.ts';
import { paperEmbed } from '../src/render/embed.ts';
import { CARD_MENU_PREFIX } from '../src/render/compact.ts';
import { MESSAGE_EMBEDS_TOTAL_MAX } from '../src/render/limits.ts';

/**
 * "Read a summary" under a compact digest: the chosen paper's full card, to the member who
 * chose only. Everything needed is in the menu (its date) and the choice (the id), so a menu
 * under a digest posted before a restart, or years ago, still answers.
 */
export const cardMenu: SelectRoute = {
	prefix: CARD_MENU_PREFIX,
	async handle({ interaction, ctx, locale }, args) {
		const date = IsoDate.safeParse(args[0]);
		const id = parseArxivId(interaction.values[0] ?? '');
		if (!date.success || !id) throw new UserError('error.expiredButton');
		// The paper as that digest listed it, when the archive still has the day; else its newest appearance.
		const paper = ctx.archive.digest(date.data)?.papers.find((p) => p.id === id) ?? ctx.archive.paper(id);
		if (!paper) throw new UserError('paper.unknown', { id, url: arxivUrl(id) });
		await respond(interaction, { embeds: [paperEmbed(paper, { locale, maxLength: MESSAGE_EMBEDS_TOTAL_MAX })], ephemeral: true });
	},
};
