import { parentPort, workerData } from 'node:worker_threads';
import type { ParseResult } from '../digest/schema.ts';
import { Days } from './days.ts';
import { fileInput } from './file-input.ts';
import { connect } from './index-db.ts';
import { readDigestSync } from './read-digest.ts';
import { feedWords } from './search.ts';
import { encodeParse, type ParseReply, type ParseRequest, type WriteRequest } from './parse-wire.ts';

// The parser thread: reads and parses one digest file at a time, so a huge file costs the bot's
// main thread only the reply; with the index file, it writes the file into the index as well.
const port = parentPort;
if (port) {
	const indexFile = (workerData as { indexFile?: string } | null)?.indexFile;
	const days = indexFile ? new Days(connect(indexFile)) : undefined;
	if (days) feedWords(days);
	const kept = new Map<number, { file: string; result: ParseResult }>();
	let queue: Promise<void> = Promise.resolve();
	port.on('message', (req: ParseRequest | WriteRequest) => {
		// One at a time, in order: if a file kills the thread, the oldest request was the one being read.
		queue = queue.then(async () => {
			if ('write' in req) {
				const parse = kept.get(req.write);
				kept.delete(req.write);
				let reply: ParseReply;
				try {
					if (!days || !parse) throw new Error('the parse to write is not kept here');
					reply = { id: req.id, kind: 'written', change: days.setFile(parse.file, parse.result, req.stamp) };
				} catch (err) {
					reply = { id: req.id, kind: 'write-failed', message: err instanceof Error ? err.message : String(err) };
				}
				port.postMessage(reply);
				return;
			}
			const read = readDigestSync(req.real, req.file, req.maxBytes);
			let reply: ParseReply;
			if (read.kind !== 'parsed') {
				reply = { id: req.id, ...read };
			} else {
				const { bytes, parseMs, stamp } = read;
				const told = { bytes, parseMs, ...(stamp ? { stamp } : {}) };
				if (req.encodeBelow !== undefined && bytes < req.encodeBelow) reply = { id: req.id, kind: 'encoded', input: fileInput(read.result), ...told };
				else if (days) {
					kept.set(req.id, { file: req.file, result: read.result });
					reply = { id: req.id, kind: 'kept', problems: read.result.problems, ...told };
				} else reply = { id: req.id, kind: 'parsed', parse: encodeParse(read.result), ...told };
			}
			port.postMessage(reply);
		});
	});
	port.postMessage({ ready: true });
}
