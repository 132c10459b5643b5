import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ComponentType, type Message } from 'discord.js';
import { t, type Locale } from '../i18n.ts';
import type { Components } from './reply.ts';

/** Discord's limit on a button's custom id; state must fit in it. */
export const CUSTOM_ID_MAX = 100;

/**
 * Previous/Next buttons whose custom ids carry the whole state (`<base>:<page>`), so paging
 * keeps working after a restart. No buttons when everything fits on one page.
 */
export function pager(base: string, page: number, pages: number, locale: Locale): Components {
	if (pages <= 1) return [];
	const id = (p: number) => `${base}:${p}`.slice(0, CUSTOM_ID_MAX);
	return [
		new ActionRowBuilder<ButtonBuilder>().addComponents(
			new ButtonBuilder()
				.setCustomId(id(page - 1))
				.setLabel(t(locale, 'button.previous'))
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(page <= 1),
			new ButtonBuilder()
				.setCustomId(id(page + 1))
				.setLabel(t(locale, 'button.next'))
				.setStyle(ButtonStyle.Secondary)
				.setDisabled(page >= pages),
		),
	];
}

/** Parses a page number from a custom id; out-of-range pages are clamped, junk is rejected. */
export function pageArg(raw: string | undefined, pages: number): number | null {
	if (raw === undefined || !/^\d{1,4}$/.test(raw)) return null;
	return Math.min(Math.max(1, Number(raw)), Math.max(1, pages));
}

/** The language a paged message was written in, read from its own buttons' labels. */
export function pagedMessageLocale(message: Pick<Message, 'components'>): Locale | null {
	for (const row of message.components) {
		if (!('components' in row)) continue;
		for (const c of row.components) {
			if (c.type !== ComponentType.Button || !('label' in c) || !c.label) continue;
			for (const locale of ['ko', 'en-US'] as const) if (c.label === t(locale, 'button.previous') || c.label === t(locale, 'button.next')) return locale;
		}
	}
	return null;
}
