import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServer } from '../demo/server.ts';
import { startWorld, type DemoWorld } from '../demo/world.ts';
import { createLogger } from '../src/log.ts';
import { until } from './helpers/received.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const present = existsSync(CHROMIUM);
if (!present) {
	const message = `browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
	if (process.env['PAPERBOY_REQUIRE_BROWSER'] === '1') throw new Error(`${message}; PAPERBOY_REQUIRE_BROWSER=1 makes this a failure`);
	console.warn(`${message}; skipped`);
}
const ROOT = join(import.meta.dirname, '..');
/** Where the screenshots go: the README's pictures when asked for, a temporary folder otherwise. */
const SHOTS = process.env['PAPERBOY_SCREENSHOTS'] === '1' ? join(ROOT, 'docs') : join(tmpdir(), 'paperboy-demo-shots');

describe.skipIf(!present)('npm run demo in a real browser (headless Chromium, the real bot, the embedded Discord)', () => {
	let dir: string;
	let world: DemoWorld;
	let browser: Browser;
	let page: Page;
	let stopServer: () => Promise<void>;
	const logs: string[] = [];

	beforeAll(async () => {
		dir = await mkdtemp(join(tmpdir(), 'paperboy-demo-'));
		const logger = createLogger('info', (line) => logs.push(line));
		world = await startWorld({ varDir: dir, examplesDir: join(ROOT, 'data'), logger });
		const { server, listen } = demoServer(world, logger);
		const port = await listen(0);
		stopServer = () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			});
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			headless: true,
			args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
		});
		page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
		await page.goto(`http://127.0.0.1:${port}/`);
		await mkdir(SHOTS, { recursive: true });
	}, 60_000);

	afterAll(async () => {
		await browser?.close();
		await stopServer?.();
		await world?.stop();
		await rm(dir, { recursive: true, force: true });
	});

	async function run(line: string) {
		await page.fill('#command', line);
		await page.press('#command', 'Enter');
		await page.waitForFunction(`document.getElementById('command').value === '' || document.getElementById('command-error').textContent !== ''`);
		expect(await page.textContent('#command-error')).toBe('');
	}
	const openChannel = async (name: string) => {
		await page.click(`nav a[data-channel="${name}"]`);
		await page.waitForSelector(`nav a.active[data-channel="${name}"]`);
	};
	const messagesText = () => page.locator('#messages').innerText();
	/** Tall enough for a whole delivered digest, header first, in the picture. */
	const showNewest = () => page.setViewportSize({ width: 1100, height: 1750 });

	it('opens on #papers with the newest example digest already delivered there', async () => {
		await page.waitForSelector('nav a[data-channel="papers"]');
		await page.waitForFunction(`document.getElementById('messages').innerText.includes('Daily Papers — 2025-01-07')`, undefined, { timeout: 20_000 });
		expect(await page.locator('discord-message discord-embed').count()).toBeGreaterThan(0);
	});

	it('answers /paper as a member sees it, its card drawn by the renderer', async () => {
		await run('/paper id:2501.01023');
		await page.waitForSelector('discord-message discord-embed');
		expect(await messagesText()).toContain('Tiny Teachers');
		// Under the command that asked for it, as Discord draws an answer.
		expect(await page.locator('discord-command[command="/paper id:2501.01023"]').count()).toBe(1);
	});

	it('subscribes a channel in compact and one in cards, drops a digest, and shows each delivered', async () => {
		await run('/subscribe channel:#papers-compact format:compact');
		await page.waitForFunction(`document.getElementById('messages').textContent.includes('compact')`);
		await run('/subscribe channel:#papers');
		// The page's own button, as a visitor would press it.
		const dropped = page.waitForResponse((r) => r.url().endsWith('/api/drop'));
		await page.click('#drop');
		const { date } = (await (await dropped).json()) as { date: string };
		await openChannel('papers-compact');
		await page.waitForFunction(`document.getElementById('messages').innerText.includes(${JSON.stringify(date)})`, undefined, { timeout: 20_000 });
		const compact = await messagesText();
		expect(compact).toContain('▲');
		expect(compact).toContain('Tiny Teachers');
		// The "read a summary" menu is there to be picked from.
		expect(await page.locator('discord-string-select-menu').count()).toBeGreaterThan(0);
		await showNewest();
		await page.screenshot({ path: join(SHOTS, 'demo-compact.png') });

		await openChannel('papers');
		await page.waitForFunction(`document.getElementById('messages').innerText.includes(${JSON.stringify(date)})`, undefined, { timeout: 20_000 });
		expect(await page.locator('discord-message discord-embed').count()).toBeGreaterThan(1);
		await showNewest();
		await page.screenshot({ path: join(SHOTS, 'demo-cards.png') });
	});

	it('the permission switch pauses a channel at the next digest; /resume delivers what it missed', async () => {
		await openChannel('papers-compact');
		await page.uncheck('#can-post');
		const dropped = page.waitForResponse((r) => r.url().endsWith('/api/drop'));
		await page.click('#drop');
		const { date } = (await (await dropped).json()) as { date: string };
		const compact = [...world.channels].find(([, n]) => n === 'papers-compact')![0];
		await until(async () => (await world.bot.ctx.subscriptions.get(world.guildId, compact))?.paused != null, 20_000, 'the pause');
		// The server is told where admins read it, in its system channel.
		await openChannel('general');
		await page.waitForFunction(`document.getElementById('messages').innerText.includes('papers-compact')`, undefined, { timeout: 20_000 });
		await openChannel('papers-compact');
		expect(await messagesText()).not.toContain(date);
		await page.check('#can-post');
		await run('/resume channel:#papers-compact');
		await page.waitForFunction(`document.getElementById('messages').innerText.includes(${JSON.stringify(date)})`, undefined, { timeout: 20_000 });
	});

	it('a plain member cannot subscribe a channel: told so, to them alone', async () => {
		await page.selectOption('#member', 'member');
		await run('/subscribe channel:#general');
		await page.waitForFunction(`[...document.querySelectorAll('discord-message[ephemeral]')].some((m) => /Manage Channels|채널 관리/.test(m.textContent))`);
		expect(await world.bot.ctx.subscriptions.get(world.guildId, [...world.channels].find(([, n]) => n === 'general')![0])).toBeNull();
		await page.selectOption('#member', 'admin');
	});
});
