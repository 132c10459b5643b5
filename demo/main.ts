import { join } from 'node:path';
import { z } from 'zod';
import { createLogger } from '../src/log.ts';
import { demoServer } from './server.ts';
import { startWorld } from './world.ts';

/*
 * `npm run demo`: the real bot on an embedded Discord, shown in the browser. No token and no
 * network: the settings are the demo's own, whatever `.env` or the environment say, except
 * DEMO_PORT (the page's port) and DIGEST_DIR (where the example digests come from).
 */
const env = z
	.object({
		DEMO_PORT: z.coerce.number().int().min(0).max(65535).default(3210),
		DIGEST_DIR: z.string().min(1).optional(),
	})
	.safeParse(process.env);
if (!env.success) {
	console.error(`demo: ${env.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
	process.exit(1);
}
const root = join(import.meta.dirname, '..');
const logger = createLogger('info', undefined, { format: 'pretty' });
const world = await startWorld({ varDir: join(root, 'var', 'demo'), examplesDir: env.data.DIGEST_DIR ?? join(root, 'data'), logger });
const { server, listen } = demoServer(world, logger);
const port = await listen(env.data.DEMO_PORT);
console.log(`\n  Paperboy demo: http://127.0.0.1:${port}\n  (the real bot on an embedded Discord; Ctrl-C stops it)\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.on(signal, () => {
		if (stopping) return;
		stopping = true;
		server.close();
		server.closeAllConnections();
		world.stop().then(
			() => process.exit(0),
			(err: unknown) => {
				logger.error({ err }, 'demo: stopping failed');
				process.exit(1);
			},
		);
	});
}
