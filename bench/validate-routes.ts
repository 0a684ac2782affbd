// CEL-heavy validation in its own process: every valid Gateway API manifest of the validation
// corpus (HTTPRoute, GRPCRoute, Gateway, ReferenceGrant, TLSRoute), against each bundle it names,
// repeated until 10,000 objects were validated. Prints one JSON line.
import { corpusCases } from '../test/validate/corpus.ts';
import { validateObjects } from '../lib/validate/index.ts';

const TARGET = 10_000;
const work = corpusCases()
  .filter((c) => c.valid)
  .flatMap((c) => c.sources.filter(({ sources }) => sources.gatewayAPI).map(({ sources }) => ({ objects: c.objects, sources })));

// Warm-up: compile every schema and rule once, so the timing is validation, not compilation.
for (const { objects, sources } of work) validateObjects(objects, sources);

let validations = 0;
const started = performance.now();
while (validations < TARGET) {
  for (const { objects, sources } of work) {
    if (validateObjects(objects, sources).length > 0) throw new Error('a valid corpus case failed');
    validations += objects.length;
  }
}
console.log(JSON.stringify({ validations, ms: performance.now() - started }));
