#!/usr/bin/env node
// `npm run start:sharded`: the shard launcher, compiled (see run-compiled.js).
import { runCompiled } from './run-compiled.js';

await runCompiled('dist/src/shard.js');
