import { parentPort } from 'node:worker_threads';
import { readDigest } from './read-digest.ts';
import { encodeParse, type ParseReply, type ParseRequest } from './parse-wire.ts';

// The parser thread: reads and parses one digest file at a time, so a huge file costs the bot's main thread only the reply.
const port = parentPort;
if (port) {
	let queue: Promise<void> = Promise.resolve();
	port.on('message', (req: ParseRequest) => {
		// One at a time, in order: if a file kills the thread, the oldest request was the one being read.
		queue = queue.then(async () => {
			const read = await readDigest(req.real, req.file, req.maxBytes);
			const reply: ParseReply =
				read.kind === 'parsed'
					? { id: req.id, kind: 'parsed', parse: encodeParse(read.result), bytes: read.bytes, parseMs: read.parseMs }
					: { id: req.id, ...read };
			port.postMessage(reply);
		});
	});
	port.postMessage({ ready: true });
}
