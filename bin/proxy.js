#!/usr/bin/env node
// `npm run proxy`: the fleet's shared REST proxy, compiled (see run-compiled.js).
import { runCompiled } from './run-compiled.js';

await runCompiled('dist/src/proxy.js');
