/**
 * A real, throwaway PostgreSQL server for tests and the bench.
 *
 * `startPostgres()` finds PostgreSQL's server binaries (PG_BINDIR, PATH, `pg_config --bindir`,
 * /usr/lib/postgresql/<major>/bin newest first; `packages/multi-worker/scripts/ensure-postgres.sh`
 * installs Debian's package when they are missing), initialises a cluster in a fresh temporary
 * directory, starts `postgres` on 127.0.0.1 on a free port, creates a database and returns its
 * postgres:// URL. The server is tuned for tests (no fsync: a crash loses the data, which is thrown
 * away anyway) and trusts every local connection, so it must never hold anything worth protecting.
 *
 * PostgreSQL refuses to run as root: as root, the cluster belongs to and the server runs as the
 * `postgres` system user (created by Debian's package) or, without it, a dedicated system user
 * `cesce-postgres` created with useradd.
 *
 * Leftovers: the server is started through util-linux's `setpriv --pdeathsig SIGINT`, so the
 * kernel asks it for a fast shutdown as soon as the process (thread) that started it dies, even by
 * SIGKILL; on a normal exit without stop(), an exit hook does the same. ("The thread" matters in a
 * worker thread: the server stops when that thread ends.) Directories left behind by a crashed
 * process are removed by the next startPostgres() call.
 */
import { spawn, execFile, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync, readFileSync, writeFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, chown, rm, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export interface StartPostgresOptions {
  /** Database created for the caller (default `cesce_test`). Lower-case letters, digits, `_`. */
  database?: string;
  /** Superuser the cluster is initialised with (default `cesce`). */
  user?: string;
  /** Directory holding initdb, postgres and pg_ctl (default: PG_BINDIR, else searched). */
  binDir?: string;
  /** Where the temporary cluster directory is created (default: the OS temp dir). */
  baseDir?: string;
  /** How long to wait for the server to accept connections (default 30 000 ms). */
  startTimeoutMs?: number;
  /** Extra server settings (`-c name=value`), applied after the test defaults. */
  settings?: Record<string, string | number | boolean>;
}

export interface RunningPostgres {
  /** postgres://USER@127.0.0.1:PORT/DATABASE (no password: the server trusts local connections). */
  url: string;
  /** The cluster's data directory (PGDATA); the server's unix socket is in it too. */
  dataDir: string;
  host: '127.0.0.1';
  port: number;
  user: string;
  database: string;
  /** Process id of the postmaster. */
  pid: number;
  /** Server log (stdout and stderr of initdb and postgres). */
  logFile: string;
  /** Fast shutdown (SIGINT), wait for the server to exit, then remove its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Settings for a disposable test server: durability off, enough connections for many workers. */
const TEST_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  max_connections: '200',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
  shared_buffers: '64MB',
  TimeZone: 'UTC',
  // Everything goes to the log file given as stdout/stderr; no logging collector process.
  logging_collector: 'off',
};

const DIR_PREFIX = 'cesce-pg-';
const OWNER_FILE = 'owner.pid';
const ROOT_FALLBACK_USER = 'cesce-postgres';
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Finds a directory holding PostgreSQL's server binaries, or throws saying how to install them. */
export function findPostgresBinDir(explicit: string | undefined = process.env.PG_BINDIR || undefined): string {
  const hasAll = (dir: string): boolean =>
    ['initdb', 'postgres', 'pg_ctl'].every((bin) => isExecutable(join(dir, bin)));
  if (explicit) {
    if (hasAll(explicit)) return explicit;
    throw new Error(
      `${explicit} (PG_BINDIR or the binDir option) does not hold PostgreSQL's server binaries ` +
        '(initdb, postgres, pg_ctl). Point it at the directory that holds them, e.g. /usr/lib/postgresql/15/bin.',
    );
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'initdb'))) {
      // Follow symlinks such as /usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb.
      const real = dirname(realpathSyncSafe(join(dir, 'initdb')));
      if (hasAll(real)) return real;
      if (hasAll(dir)) return dir;
    }
  }
  const fromPgConfig = pgConfigBinDir();
  if (fromPgConfig && hasAll(fromPgConfig)) return fromPgConfig;
  const debianRoot = '/usr/lib/postgresql';
  const versions = safeReaddir(debianRoot)
    .filter((name) => /^\d+(\.\d+)?$/.test(name))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const version of versions) {
    const dir = join(debianRoot, version, 'bin');
    if (hasAll(dir)) return dir;
  }
  throw new Error(
    "PostgreSQL's server binaries (initdb, postgres, pg_ctl) were not found in PATH, `pg_config --bindir` " +
      'or /usr/lib/postgresql/*/bin. Run packages/multi-worker/scripts/ensure-postgres.sh (installs Debian\'s ' +
      'package when run as root), install it yourself (sudo apt-get install -y postgresql), or set PG_BINDIR.',
  );
}

/** Starts a throwaway PostgreSQL server on 127.0.0.1 and creates a database on it. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<RunningPostgres> {
  const database = options.database ?? 'cesce_test';
  const user = options.user ?? 'cesce';
  for (const [what, value] of [
    ['database', database],
    ['user', user],
  ] as const) {
    if (!IDENTIFIER.test(value)) {
      throw new Error(`startPostgres: ${what} "${value}" must be lower-case letters, digits and _ (max 63).`);
    }
  }
  const binDir = findPostgresBinDir(options.binDir);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const baseDir = options.baseDir ?? tmpdir();
  await removeStaleClusters(baseDir);

  const runAs = process.getuid?.() === 0 ? await serverAccount() : undefined;
  const rootDir = await mkdtemp(join(baseDir, DIR_PREFIX));
  writeFileSync(join(rootDir, OWNER_FILE), `${process.pid}\n`);
  const dataDir = join(rootDir, 'data');
  const logFile = join(rootDir, 'server.log');
  let cleanupRoot = true;
  try {
    if (runAs) await chown(rootDir, runAs.uid, runAs.gid);
    await runInitdb(binDir, dataDir, user, runAs, logFile);

    const settings: Record<string, string> = { ...TEST_SETTINGS };
    for (const [name, value] of Object.entries(options.settings ?? {})) settings[name] = String(value);
    settings.unix_socket_directories = dataDir;

    // A free port found by binding port 0 can be taken by someone else before postgres binds it:
    // retry a few times with a new port when that happens.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const server = launch(binDir, dataDir, port, settings, runAs, logFile);
      try {
        await waitUntilReady(server, port, user, startTimeoutMs, logFile);
      } catch (error) {
        await shutdown(server);
        if (error instanceof PortTakenError && attempt < 5) continue;
        throw error;
      }
      try {
        await createDatabase(port, user, database);
      } catch (error) {
        await shutdown(server);
        throw error;
      }
      cleanupRoot = false;
      let stopping: Promise<void> | undefined;
      const stop = (): Promise<void> =>
        (stopping ??= (async () => {
          await shutdown(server);
          await rm(rootDir, { recursive: true, force: true });
        })());
      return {
        url: `postgres://${user}@127.0.0.1:${port}/${database}`,
        dataDir,
        host: '127.0.0.1',
        port,
        user,
        database,
        pid: server.child.pid!,
        logFile,
        stop,
      };
    }
  } finally {
    if (cleanupRoot) await rm(rootDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

interface Account {
  name: string;
  uid: number;
  gid: number;
}

interface Launched {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
}

class PortTakenError extends Error {}

/** Servers started by this process and not stopped yet: asked to shut down when it exits. */
const running = new Set<Launched>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const { child } of running) {
      try {
        child.kill('SIGINT');
      } catch {
        // Already gone.
      }
    }
  });
}

let setprivPath: string | null | undefined;
function findSetpriv(): string | null {
  if (setprivPath === undefined) {
    setprivPath = null;
    for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/bin']) {
      if (dir && isExecutable(join(dir, 'setpriv'))) {
        setprivPath = join(dir, 'setpriv');
        break;
      }
    }
  }
  return setprivPath;
}

/**
 * The command line that runs `bin args` as `runAs` (when root), with a parent-death signal when
 * asked. setpriv (util-linux, on every Debian) execs the program, so the child's pid is the
 * program's own; without setpriv, Node switches uid/gid itself and there is no parent-death signal.
 */
function command(
  bin: string,
  args: string[],
  runAs: Account | undefined,
  deathSignal: boolean,
): { file: string; args: string[]; uid?: number; gid?: number } {
  const setpriv = findSetpriv();
  if (setpriv) {
    const prefix: string[] = [];
    if (runAs) prefix.push(`--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups');
    if (deathSignal) prefix.push('--pdeathsig', 'INT');
    if (prefix.length > 0) return { file: setpriv, args: [...prefix, '--', bin, ...args] };
    return { file: bin, args };
  }
  return runAs ? { file: bin, args, uid: runAs.uid, gid: runAs.gid } : { file: bin, args };
}

function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // PG* variables (PGDATA, PGPORT, PGHOST, PGOPTIONS...) must not redirect the throwaway server.
    if (!name.startsWith('PG')) env[name] = value;
  }
  env.LC_ALL = 'C';
  env.LANG = 'C';
  return env;
}

async function runInitdb(
  binDir: string,
  dataDir: string,
  user: string,
  runAs: Account | undefined,
  logFile: string,
): Promise<void> {
  const args = [
    '-D',
    dataDir,
    '-U',
    user,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ];
  const cmd = command(join(binDir, 'initdb'), args, runAs, false);
  try {
    const { stdout, stderr } = await execFileAsync(cmd.file, cmd.args, {
      env: childEnv(),
      cwd: dirname(dataDir),
      ...(cmd.uid !== undefined ? { uid: cmd.uid, gid: cmd.gid } : {}),
      maxBuffer: 16 * 1024 * 1024,
    });
    writeFileSync(logFile, `$ initdb\n${stdout}${stderr}\n`);
  } catch (error) {
    const output = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `initdb (${join(binDir, 'initdb')}) failed for ${dataDir}` +
        (runAs ? ` running as user ${runAs.name}` : '') +
        `:\n${tail(`${output.stdout ?? ''}${output.stderr ?? ''}` || output.message)}`,
    );
  }
}

function launch(
  binDir: string,
  dataDir: string,
  port: number,
  settings: Record<string, string>,
  runAs: Account | undefined,
  logFile: string,
): Launched {
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const cmd = command(join(binDir, 'postgres'), args, runAs, true);
  const logFd = openSync(logFile, 'a');
  let exited = false;
  let child: ChildProcess;
  try {
    child = spawn(cmd.file, cmd.args, {
      env: childEnv(),
      cwd: dataDir,
      stdio: ['ignore', logFd, logFd],
      ...(cmd.uid !== undefined ? { uid: cmd.uid, gid: cmd.gid } : {}),
    });
  } finally {
    closeSync(logFd);
  }
  installExitHook();
  const exitedPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      resolve({ code, signal });
    });
    child.once('error', (error) => {
      exited = true;
      writeFileSync(logFile, `could not start ${cmd.file}: ${error.message}\n`, { flag: 'a' });
      resolve({ code: null, signal: null });
    });
  });
  // The test process must be able to exit while the server runs (stop() or the death signal ends it).
  child.unref();
  const launched: Launched = { child, exited: exitedPromise, hasExited: () => exited };
  running.add(launched);
  return launched;
}

async function waitUntilReady(
  server: Launched,
  port: number,
  user: string,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (server.hasExited()) {
      const log = await readLog(logFile);
      const { code, signal } = await server.exited;
      const message =
        `PostgreSQL exited before accepting connections on 127.0.0.1:${port} ` +
        `(${signal ? `signal ${signal}` : `exit code ${code}`}). Server log, last lines:\n${tail(log)}`;
      if (/could not bind|Address already in use/i.test(log)) throw new PortTakenError(message);
      throw new Error(message);
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres', connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return;
    } catch (error) {
      lastError = (error as Error).message;
      await client.end().catch(() => undefined);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `PostgreSQL did not accept connections on 127.0.0.1:${port} within ${timeoutMs} ms ` +
          `(last error: ${lastError}). Server log, last lines:\n${tail(await readLog(logFile))}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function createDatabase(port: number, user: string, database: string): Promise<void> {
  if (database === 'postgres') return;
  const client = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres' });
  await client.connect();
  try {
    // `database` is checked against IDENTIFIER above, so quoting it is enough.
    await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
}

/** SIGINT (fast shutdown), then SIGQUIT (immediate) after 30 s, then SIGKILL after 5 s more. */
async function shutdown(launched: Launched): Promise<void> {
  running.delete(launched);
  if (launched.hasExited()) return;
  const { child } = launched;
  // Keep the event loop alive until the server is gone (the child is unref'd while it runs).
  child.ref();
  const waitFor = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        launched.exited.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };
  for (const [signal, ms] of [
    ['SIGINT', 30_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
    if (await waitFor(ms)) return;
  }
}

/** As root: the account the server runs as (postgres, else a dedicated cesce-postgres). */
let accountPromise: Promise<Account> | undefined;
function serverAccount(): Promise<Account> {
  return (accountPromise ??= (async () => {
    const existing = (await lookupAccount('postgres')) ?? (await lookupAccount(ROOT_FALLBACK_USER));
    if (existing) return existing;
    try {
      await execFileAsync('useradd', [
        '--system',
        '--user-group',
        '--no-create-home',
        '--home-dir',
        '/nonexistent',
        '--shell',
        '/usr/sbin/nologin',
        '--comment',
        'Throwaway PostgreSQL servers of cesce-connect tests',
        ROOT_FALLBACK_USER,
      ]);
    } catch (error) {
      // Another test process may have created it at the same time: check again below.
      const created = await lookupAccount(ROOT_FALLBACK_USER);
      if (created) return created;
      throw new Error(
        `PostgreSQL refuses to run as root and there is no postgres user; creating the system user ` +
          `${ROOT_FALLBACK_USER} with useradd failed: ${(error as Error).message}`,
      );
    }
    const created = await lookupAccount(ROOT_FALLBACK_USER);
    if (!created) throw new Error(`useradd ${ROOT_FALLBACK_USER} succeeded but the user cannot be found.`);
    return created;
  })());
}

async function lookupAccount(name: string): Promise<Account | undefined> {
  let line: string;
  try {
    line = (await execFileAsync('getent', ['passwd', name])).stdout.trim();
  } catch {
    return undefined;
  }
  const fields = line.split(':');
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  if (fields[0] !== name || !Number.isInteger(uid) || !Number.isInteger(gid)) return undefined;
  return { name, uid, gid };
}

/**
 * Removes cluster directories left by processes that died without stop() (the death signal has
 * stopped their servers). A directory is stale only when the process that created it is gone and
 * no postmaster runs on it; a postmaster still running there (no setpriv) is asked to shut down
 * first and its directory is left for a later run.
 */
async function removeStaleClusters(baseDir: string): Promise<void> {
  for (const name of safeReaddir(baseDir)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const rootDir = join(baseDir, name);
    const owner = readPid(join(rootDir, OWNER_FILE));
    if (owner === undefined || owner === process.pid || isAlive(owner)) continue;
    const postmaster = readPid(join(rootDir, 'data', 'postmaster.pid'));
    if (postmaster !== undefined && isAlive(postmaster)) {
      if (isPostmasterOf(postmaster, join(rootDir, 'data'))) {
        try {
          process.kill(postmaster, 'SIGINT');
        } catch {
          // Gone meanwhile.
        }
      }
      continue;
    }
    await rm(rootDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.some((arg) => arg.endsWith('postgres')) && cmdline.includes(dataDir);
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port on 127.0.0.1'));
      });
    });
  });
}

function pgConfigBinDir(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const pgConfig = join(dir, 'pg_config');
    if (dir && isExecutable(pgConfig)) {
      try {
        // Synchronous on purpose: findPostgresBinDir() is synchronous and this runs once per start.
        return execFileSync(pgConfig, ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

async function readLog(logFile: string): Promise<string> {
  return readFile(logFile, 'utf8').catch(() => '(no server log)');
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function isExecutable(file: string): boolean {
  try {
    const stat = statSync(file);
    return stat.isFile() && (stat.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function realpathSyncSafe(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return existsSync(dir) ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}
