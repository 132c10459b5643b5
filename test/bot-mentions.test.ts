import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkCommands } from '../src/bot/command-mentions.ts';
import { deployCommands } from '../src/deploy.ts';
import { answerOf, startHarness, type Harness } from './helpers/bot.ts';

describe('command references in replies', () => {
	it('become mentions where the id is known, and stay plain text where it is not', () => {
		const ids = new Map([
			['resume', '111'],
			['paper', '222'],
		]);
		expect(linkCommands('fix it, then `/resume`', ids)).toBe('fix it, then </resume:111>');
		expect(linkCommands('`/paper id:` a paper', ids)).toBe('</paper:222> `id:` a paper');
		expect(linkCommands('`/subscribe channel: time:` daily', ids)).toBe('`/subscribe channel: time:` daily');
		expect(linkCommands('a \\`/resume\\` quoted by a member', ids)).toBe('a \\`/resume\\` quoted by a member');
	});
});

describe('replies name commands as Discord shows them to each reader', () => {
	let h: Harness;
	beforeAll(async () => {
		h = await startHarness({ guilds: [{ channels: 1 }] });
		await deployCommands(h.config, undefined, h.bot.ctx.logger);
	});
	afterAll(async () => h?.stop());

	const idOf = (name: string) => String(h.emu.commands().find((c) => c['name'] === name)?.['id']);

	it('links every command /help lists, in Korean as in English', async () => {
		const g = h.guilds[0]!;
		for (const locale of ['ko', 'en-US']) {
			const res = await answerOf(h.emu.interact({ guildId: g.id, channelId: g.channels[0]!, type: 2, locale, data: { name: 'help', type: 1, options: [] } }));
			const text = JSON.stringify(res);
			for (const name of ['paper', 'top', 'digest', 'search', 'subscribe', 'subscriptions', 'unsubscribe', 'resume'])
				expect(text, `${locale} /${name}`).toContain(`</${name}:${idOf(name)}>`);
			expect(text).not.toContain('`/');
		}
	});

	it('links the command an error or an empty answer points to', async () => {
		const g = h.guilds[0]!;
		const res = await answerOf(
			h.emu.interact({
				guildId: g.id,
				channelId: g.channels[0]!,
				type: 2,
				locale: 'ko',
				permissions: String(1n << 4n),
				data: { name: 'subscriptions', type: 1, options: [] },
			}),
		);
		expect(res['content']).toContain(`</subscribe:${idOf('subscribe')}>`);
	});
});
