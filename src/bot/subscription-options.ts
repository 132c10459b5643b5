import { MessageFlags, type ChatInputCommandInteraction, type InteractionReplyOptions } from 'discord.js';
import { parseTerms, termWords } from '../archive/topics.ts';
import type { DayDigest } from '../archive/days.ts';
import { planDigest } from '../delivery/plan.ts';
import { t, type Locale } from '../i18n.ts';
import { inlineCode } from '../render/text.ts';
import { TOPIC_TERMS_MAX, TopicTerm, type Subscription } from '../store/schema.ts';
import type { BotContext } from './command.ts';
import { UserError } from './errors.ts';
import { respond } from './reply.ts';
import { describeOptions, type OptionNames } from './subscription-text.ts';

/** Typed to clear a filter: Discord cannot send an empty string option. */
export const CLEAR_TERMS = '-';

/**
 * A topic filter as typed: comma-separated words or phrases, `-` to clear it, absent to keep
 * what the subscription had. A term with no word in it would match nothing (or, worse, look
 * like it matched everything), so it is refused rather than saved.
 */
export function readTerms(raw: string | null, existing: readonly string[] | undefined): string[] {
	if (raw === null) return [...(existing ?? [])];
	if (raw.trim() === CLEAR_TERMS) return [];
	const terms = parseTerms(raw);
	if (terms.length > TOPIC_TERMS_MAX) throw new UserError('sub.tooManyTerms', { max: TOPIC_TERMS_MAX });
	const bad = terms.find((t) => termWords([t]).length === 0 || !TopicTerm.safeParse(t).success);
	if (bad !== undefined || terms.length === 0) throw new UserError('sub.badTerms', { input: inlineCode(bad ?? raw) });
	return terms;
}

/**
 * Exactly what the subscription would post for `digest`: the planner's own messages, as one
 * ephemeral reply each. Nothing is recorded and no nonce is kept.
 */
export function previewBodies(sub: Subscription, digest: DayDigest, locale: Locale): InteractionReplyOptions[] {
	return planDigest({ sub, date: digest.date, papers: digest.papers, delivered: new Set(), locale }).map(({ body }) => ({
		...(body.content === undefined ? {} : { content: body.content }),
		embeds: body.embeds,
		components: body.components ?? [],
		// An admin's preview pings no one, whatever role the subscription mentions.
		allowedMentions: { parse: [] },
	}));
}

/** The subscription's messages for the latest digest, to the admin alone; nothing is saved or scheduled. */
export async function showPreview(
	interaction: ChatInputCommandInteraction<'cached'>,
	ctx: BotContext,
	draft: Subscription,
	locale: Locale,
	names: OptionNames,
): Promise<void> {
	const date = ctx.archive.latestDate();
	const digest = date ? ctx.archive.digest(date) : undefined;
	if (!date || !digest) throw new UserError('archive.empty');
	const bodies = previewBodies(draft, digest, locale);
	const channel = `<#${draft.channelId}>`;
	if (bodies.length === 0) {
		await respond(interaction, { content: t(locale, 'sub.previewEmpty', { date, channel }), ephemeral: true });
		return;
	}
	await respond(interaction, { content: `${t(locale, 'sub.previewIntro', { date, channel })}\n${describeOptions(draft, locale, names)}`, ephemeral: true });
	for (const body of bodies) await interaction.followUp({ ...body, flags: MessageFlags.Ephemeral });
}
