/**
 * Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench -- --cpu-prof DIR`):
 * self time per function and per file, the busiest first.
 *
 *   node dist/bench/profile-summary.js DIR/CPU.….cpuprofile [top=40]
 */
import { readFileSync } from 'node:fs';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: CpuProfile, top: number): string[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = frames.get(id);
    if (!frame) return;
    total += delta;
    const file = frame.url ? frame.url.split('/').slice(-3).join('/') : frame.functionName;
    const name = `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
    byFile.set(file, (byFile.get(file) ?? 0) + delta);
  });
  const ranked = (counts: Map<string, number>) =>
    [...counts].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${name}`);
  return [`profiled ${(total / 1e6).toFixed(1)} s`, '— self time by function', ...ranked(byFunction), '— self time by file', ...ranked(byFile)];
}

if (process.argv[2]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CpuProfile;
  process.stdout.write(`${summarise(profile, Number(process.argv[3] ?? 40)).join('\n')}\n`);
}
