import { Events, PermissionFlagsBits, type Client } from 'discord.js';
import type { Scheduler } from '../delivery/scheduler.ts';
import { localeOf, t } from '../i18n.ts';
import { commandIds, linkCommands } from './command-mentions.ts';
import { pauseReason } from './subscription-text.ts';
import type { Logger } from '../log.ts';
import type { Subscription } from '../store/schema.ts';
import type { Subscriptions } from '../store/store.ts';

interface LifecycleDeps {
	subscriptions: Subscriptions;
	scheduler: Scheduler;
	logger: Logger;
}

/** A deleted channel or a guild the bot left takes its subscriptions with it. */
export function watchGuildLifecycle(client: Client, { subscriptions, scheduler, logger }: LifecycleDeps): void {
	client.on(Events.ChannelDelete, (channel) => {
		if (channel.isDMBased()) return;
		scheduler.remove(channel.guildId, channel.id);
		subscriptions
			.delete(channel.guildId, channel.id)
			.then((had) => had && logger.info({ guild: channel.guildId, channel: channel.id }, 'channel deleted; subscription removed'))
			.catch((err: unknown) => logger.error({ err }, 'could not remove subscription of deleted channel'));
	});
	client.on(Events.GuildDelete, (guild) => {
		// discord.js emits GuildUnavailable for an outage; GuildDelete means the bot left or was removed,
		// even when the guild had been unavailable before.
		scheduler.removeGuild(guild.id);
		subscriptions
			.deleteGuild(guild.id)
			.then((n) => n && logger.info({ guild: guild.id, removed: n }, 'left guild; subscriptions removed'))
			.catch((err: unknown) => logger.error({ err }, 'could not remove subscriptions of a guild we left'));
	});
}

/**
 * A paused subscription would otherwise go silent: say so in the guild's system channel, if
 * that is another channel the bot may post in. Best effort; never pings.
 */
export async function notifyPaused(client: Client, sub: Subscription, why: { code: number | null; reason: string }, logger: Logger): Promise<void> {
	const guild = client.guilds.cache.get(sub.guildId);
	const channel = guild?.systemChannel;
	const me = guild?.members.me;
	if (!guild || !channel || !me || channel.id === sub.channelId) return;
	if (!channel.permissionsFor(me).has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages])) return;
	const locale = localeOf(guild.preferredLocale);
	const text = t(locale, 'sub.pausedNotice', { channel: `<#${sub.channelId}>`, reason: pauseReason(why, locale) });
	const content = linkCommands(text, await commandIds(client, guild.id));
	try {
		await channel.send({ content, allowedMentions: { parse: [] } });
	} catch (err) {
		logger.warn({ err, guild: sub.guildId, channel: channel.id }, 'could not tell the guild about a paused subscription');
	}
}
