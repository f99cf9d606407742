// Start-up of the built CLI: `cesce --help` as its own process, spawn to exit, median of 10 spawns
// (5 with --quick) after one unmeasured warm-up spawn (file-system cache).
import { median, row, runCli } from '../lib.mjs';

export const startupSuite = {
  name: 'startup',
  description: '`cesce --help` start-up time (median of 10 spawns; 5 with --quick)',
  async run({ quick }) {
    const spawns = quick ? 5 : 10;
    const once = async () => {
      const r = await runCli(['--help']);
      if (r.code !== 0 || !r.stdout.includes('Usage')) throw new Error(`cesce --help exited with ${r.code ?? r.signal}: ${r.stderr.trim().slice(0, 300)}`);
      return r.ms;
    };
    await once();
    const times = [];
    for (let i = 0; i < spawns; i += 1) times.push(await once());
    const m = median(times);
    return [
      row(`cesce --help start-up (median of ${spawns}${quick ? ', quick' : ''})`, Math.round(m), 'ms', '< 400 ms', m < 400),
      row(`cesce --help start-up: slowest of ${spawns}`, Math.round(Math.max(...times)), 'ms'),
    ];
  },
};
