import { describe, expect, it } from 'vitest';
import { parseCommandLine, withFocus, type CommandDef } from '../demo/command-line.ts';
import { discordMarkdown } from '../demo/markdown.ts';

const defs: CommandDef[] = [
	{
		name: 'top',
		name_localizations: { ko: '인기' },
		options: [
			{ type: 3, name: 'period', name_localizations: { ko: '기간' }, choices: [{ name: 'week', value: 'week' }] },
			{ type: 4, name: 'limit' },
		],
	},
	{
		name: 'subscribe',
		options: [
			{ type: 7, name: 'channel' },
			{ type: 3, name: 'format' },
			{ type: 5, name: 'preview' },
			{ type: 3, name: 'include' },
		],
	},
	{ name: 'saved', options: [{ type: 1, name: 'export', options: [{ type: 3, name: 'format' }] }] },
];
const channels = new Map([['42', 'papers']]);

describe('the demo command box: a typed line as the interaction Discord would send', () => {
	it('converts options to their types, by English or Korean name, a channel by #name', () => {
		expect(parseCommandLine('/top period:week limit:5', defs, channels)).toMatchObject({
			ok: true,
			data: {
				name: 'top',
				options: [
					{ name: 'period', type: 3, value: 'week' },
					{ name: 'limit', type: 4, value: 5 },
				],
			},
		});
		expect(parseCommandLine('/인기 기간:week', defs, channels)).toMatchObject({
			ok: true,
			data: { name: 'top', options: [{ name: 'period', value: 'week' }] },
		});
		expect(parseCommandLine('/subscribe channel:#papers format:compact preview:true include:large language models', defs, channels)).toMatchObject({
			ok: true,
			data: {
				options: [
					{ name: 'channel', type: 7, value: '42' },
					{ name: 'format', value: 'compact' },
					{ name: 'preview', value: true },
					{ name: 'include', value: 'large language models' },
				],
			},
		});
	});

	it('nests subcommands, and marks the last option focused for autocomplete', () => {
		const parsed = parseCommandLine('/saved export format:bib', defs, channels);
		expect(parsed).toMatchObject({ ok: true, data: { name: 'saved', options: [{ name: 'export', type: 1, options: [{ name: 'format', value: 'bib' }] }] } });
		if (!parsed.ok || !parsed.focused) throw new Error('no focus');
		withFocus(parsed.data, parsed.focused);
		expect(parsed.data.options[0]?.options?.[0]).toMatchObject({ focused: true });
	});

	it('says what is wrong with a line instead of sending it', () => {
		expect(parseCommandLine('/nope', defs, channels)).toEqual({ ok: false, error: 'no command /nope' });
		expect(parseCommandLine('/top limit:five', defs, channels)).toMatchObject({ ok: false, error: expect.stringContaining('limit') });
		expect(parseCommandLine('/subscribe channel:#elsewhere', defs, channels)).toMatchObject({ ok: false });
		expect(parseCommandLine('/saved', defs, channels)).toMatchObject({ ok: false, error: expect.stringContaining('export') });
		expect(parseCommandLine('/top colour:red', defs, channels)).toMatchObject({ ok: false, error: '/top has no option colour' });
	});
});

describe('the demo page draws message markdown as safe HTML', () => {
	it('bold, links and mentions as Discord draws them; markup in the text stays text', () => {
		const html = discordMarkdown('<@&1> **Daily** [x <b>y</b>](https://arxiv.org/abs/1) [bad](javascript:alert(1)) <script>alert(1)</script> <#42> <t:0:f>', {
			channel: () => 'papers',
		});
		expect(html).toContain('<strong>Daily</strong>');
		expect(html).toContain('<a href="https://arxiv.org/abs/1" target="_blank" rel="noopener noreferrer">x &lt;b&gt;y&lt;/b&gt;</a>');
		expect(html).not.toContain('javascript:');
		expect(html).not.toContain('<script');
		expect(html).toContain('<discord-mention type="role">');
		expect(html).toContain('<discord-mention type="channel">papers</discord-mention>');
		expect(html).toContain('1970-01-01 00:00 UTC');
	});
});
