import { buildProgram } from './program.js';

// `pnpm cesce …` (the root package script) runs from the repository root, not from where the
// user typed it; pnpm passes that directory as INIT_CWD. Work from there, so relative paths
// (--config, --ledger, --data) mean what the user meant.
if (process.env.npm_lifecycle_event === 'cesce' && process.env.INIT_CWD) {
  try {
    process.chdir(process.env.INIT_CWD);
  } catch {
    // the directory is gone: keep the repository root
  }
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`cesce: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
