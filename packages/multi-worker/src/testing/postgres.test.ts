/**
 * startPostgres() against the real server binaries (scripts/ensure-postgres.sh installs them):
 * a real server, a real client (`pg`), real sockets on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startPostgres, type RunningPostgres } from './postgres.js';

const started: RunningPostgres[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

/** Resolves true when something accepts a TCP connection on 127.0.0.1:port, false when refused. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Local addresses of the TCP sockets listening on `port` (from /proc/net/tcp and tcp6). */
function listeningAddresses(port: number): string[] {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      if (!local || state !== '0A') continue; // 0A = LISTEN
      const [address, localPort] = local.split(':');
      if (localPort === portHex && address) found.push(address);
    }
  }
  return found;
}

function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Uid:'));
  return Number(line?.split(/\s+/)[1]);
}

async function waitFor(condition: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('startPostgres', () => {
  it('starts a real server on 127.0.0.1 only, serves queries, and stop() shuts it down and removes it', async () => {
    const server = await startPostgres({ database: 'cesce_startup' });
    started.push(server);
    expect(server.url).toBe(`postgres://cesce@127.0.0.1:${server.port}/cesce_startup`);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const version = await client.query<{ version: string }>('SELECT version()');
      expect(version.rows[0]?.version).toMatch(/^PostgreSQL \d+/);
      const who = await client.query<{ db: string; usr: string; enc: string; super: string }>(
        "SELECT current_database() AS db, current_user AS usr, pg_encoding_to_char(encoding) AS enc, current_setting('is_superuser') AS super FROM pg_database WHERE datname = current_database()",
      );
      expect(who.rows[0]).toEqual({ db: 'cesce_startup', usr: 'cesce', enc: 'UTF8', super: 'on' });
      const settings = await client.query<{ name: string; setting: string }>(
        "SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'fsync', 'synchronous_commit', 'full_page_writes', 'max_connections', 'unix_socket_directories') ORDER BY name",
      );
      expect(Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]))).toEqual({
        fsync: 'off',
        full_page_writes: 'off',
        listen_addresses: '127.0.0.1',
        max_connections: '200',
        synchronous_commit: 'off',
        unix_socket_directories: server.dataDir,
      });
      // A write and a read back: the database is usable, not just reachable.
      await client.query('CREATE TABLE t (id integer PRIMARY KEY, amount numeric(14, 2) NOT NULL)');
      await client.query("INSERT INTO t VALUES (1, '12345.67')");
      expect((await client.query('SELECT amount FROM t')).rows).toEqual([{ amount: '12345.67' }]);
    } finally {
      await client.end();
    }

    // The only TCP listener on the port is 127.0.0.1 (0100007F in /proc/net/tcp), nothing on
    // 0.0.0.0 or IPv6.
    expect(listeningAddresses(server.port)).toEqual(['0100007F']);
    expect(existsSync(join(server.dataDir, `.s.PGSQL.${server.port}`))).toBe(true);
    if (process.getuid?.() === 0) {
      // PostgreSQL refuses root: the server runs as an unprivileged account.
      expect(uidOf(server.pid)).not.toBe(0);
    }

    await server.stop();
    expect(await portOpen(server.port)).toBe(false);
    expect(existsSync(server.dataDir)).toBe(false);
    expect(existsSync(`/proc/${server.pid}`)).toBe(false);
    await server.stop(); // idempotent
  });

  it('runs two servers side by side on different ports with separate data', async () => {
    const [a, b] = await Promise.all([startPostgres(), startPostgres()]);
    started.push(a, b);
    expect(a.port).not.toBe(b.port);
    expect(a.dataDir).not.toBe(b.dataDir);
    const ca = new pg.Client({ connectionString: a.url });
    const cb = new pg.Client({ connectionString: b.url });
    await Promise.all([ca.connect(), cb.connect()]);
    try {
      await ca.query('CREATE TABLE only_in_a (x int)');
      const inB = await cb.query("SELECT to_regclass('only_in_a') IS NOT NULL AS present");
      expect(inB.rows[0]).toEqual({ present: false });
    } finally {
      await Promise.all([ca.end(), cb.end()]);
    }
  });

  it('rejects a database name that is not a plain identifier', async () => {
    await expect(startPostgres({ database: 'x"; DROP' })).rejects.toThrow(/lower-case letters, digits and _/);
  });

  it('says where it looked when PG_BINDIR does not hold the server binaries', async () => {
    await expect(startPostgres({ binDir: '/nonexistent/pg/bin' })).rejects.toThrow(
      /does not hold PostgreSQL's server binaries \(initdb, postgres, pg_ctl\)/,
    );
  });

  it('fails with the server log when the server cannot start', async () => {
    await expect(startPostgres({ settings: { shared_buffers: 'lots' }, startTimeoutMs: 10_000 })).rejects.toThrow(
      /PostgreSQL exited before accepting connections[\s\S]*shared_buffers/,
    );
  });

  it('gives up after startTimeoutMs with the server log, and leaves nothing behind', async () => {
    const ownedDirs = (): string[] =>
      readdirSync(tmpdir())
        .filter((name) => name.startsWith('cesce-pg-'))
        .filter((name) => {
          try {
            return readFileSync(join(tmpdir(), name, 'owner.pid'), 'utf8').trim() === String(process.pid);
          } catch {
            return false;
          }
        });
    expect(ownedDirs()).toEqual([]);
    await expect(startPostgres({ startTimeoutMs: 1 })).rejects.toThrow(
      /did not accept connections on 127\.0\.0\.1:\d+ within 1 ms[\s\S]*Server log, last lines:\n/,
    );
    expect(ownedDirs()).toEqual([]);
  });

  // The built module (dist, `pnpm build`) in a separate process, as the bench uses it.
  const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist/testing/postgres.js');

  it('finishes stop() in a script that has nothing else to wait for', async () => {
    expect(existsSync(dist), `${dist} is missing: run pnpm build first`).toBe(true);
    // The server child is unref'd while it runs; stop() must keep the process alive until the
    // server has exited and its directory is removed.
    const code = `import { existsSync } from 'node:fs'; const m = await import(${JSON.stringify(dist)}); const s = await m.startPostgres(); await s.stop(); console.log(JSON.stringify({ port: s.port, pid: s.pid, dirLeft: existsSync(s.dataDir) }));`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(exitCode).toBe(0);
    const result = JSON.parse(out.trim()) as { port: number; pid: number; dirLeft: boolean };
    expect(result.dirLeft).toBe(false);
    expect(existsSync(`/proc/${result.pid}`)).toBe(false);
    expect(await portOpen(result.port)).toBe(false);
  });
  it(
    'leaves no server behind when the process that started it is killed (SIGKILL)',
    async () => {
      expect(existsSync(dist), `${dist} is missing: run pnpm build first`).toBe(true);
      const code = `import(${JSON.stringify(dist)}).then(async (m) => { const s = await m.startPostgres(); console.log(JSON.stringify({ port: s.port, pid: s.pid, dataDir: s.dataDir })); setInterval(() => {}, 1000); })`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      const info = await new Promise<{ port: number; pid: number; dataDir: string }>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
        });
        child.once('exit', (code) => reject(new Error(`child exited (${code}) before starting the server`)));
      });
      expect(await portOpen(info.port)).toBe(true);
      child.kill('SIGKILL');
      expect(await waitFor(async () => !(await portOpen(info.port)) && !existsSync(`/proc/${info.pid}`), 15_000)).toBe(true);
      // The next start removes the directory the killed process left behind.
      expect(existsSync(dirname(info.dataDir))).toBe(true);
      started.push(await startPostgres());
      expect(existsSync(dirname(info.dataDir))).toBe(false);
    },
  );
});
