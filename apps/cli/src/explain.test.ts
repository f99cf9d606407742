/**
 * `cesce explain`, run as its own process from the built CLI (`pnpm build` first, as for
 * e2e.test.ts): for every HTTP status in Cesce's integration-support catalogue it prints every
 * solution of that status, in Spanish and in English.
 */
import { describe, expect, it } from 'vitest';
import { GENERIC_ENTRIES, KNOWLEDGE_BASE } from '@cesce-connect/core';
import { langFromEnvironment } from './actions/explain.js';
import { runCli } from './test-support.js';


/** Runs the CLI with a neutral locale unless the test sets one. */
const cesce = (args: string[], env: Record<string, string> = {}) => runCli(args, { LC_ALL: '', LC_MESSAGES: '', LANG: 'C.UTF-8', ...env });

/** How many solutions the seed catalogue (../shared/seeds/000_b78ca78c93480480.txt) gives per status. */
const SEED_SOLUTIONS: Record<number, number> = { 400: 11, 401: 2, 403: 1, 404: 2, 422: 1, 500: 1 };

/** Sentences of the seed, verbatim, that the Spanish output must carry. */
const SEED_SENTENCES: Record<number, string[]> = {
  400: [
    'Pasar consulta al equipo de Transformación para que analice el caso.',
    'Haz primero una petición (POST) de clasificación',
    'Confirmar que la póliza sea correcta y pasar consulta al equipo de Transformación para que analice el caso si no se resuelve.',
    'Pasar consulta al equipo de soporte para su revisión.',
    'En el caso de PRE, pasar consulta al equipo de Transformación',
    'Confirma con tu agente comercial las condiciones de tu póliza.',
    'Verificar que se incluye el número de contrato con el formato correcto, incluyendo Modalidad (341 para Máster Oro Integral o 381 para Póliza Clásica) y número de póliza juntos sin espacios. Por ejemplo, 34109150331 o 38100029218.',
    'Ajusta la solicitud a las condiciones de la póliza.',
    'Corrige en origen los datos de la venta para poder declararla.',
    'revisaventas@cesce.es',
    'noreply@cesce.es',
  ],
  401: [
    'Inicia sesión en Sandbox, accede a ‘Productos’, selecciona la aplicación donde quieres añadir el producto y pulsa en ‘Continuar’.',
    'Es posible que se hayan introducido de forma incorrecta',
    'Si estás trabajando en Sandbox, no se proporcionan las credenciales USERNAME y PASSWORD al no ser obligatorias, mientras que CLIENT ID y CLIENT SECRET sí lo son.',
  ],
  403: ['Verifica que el número de póliza es correcto o ponte en contacto con Transformación para que revise el alta de la póliza en PRE o PRO para el NIF de tu empresa.'],
  404: [
    'Utiliza los datos específicos de los juegos de datos y se devolverán exactamente los datos que se indican en dichos modelos. Cualquier cambio en las peticiones de dichos datos producirá un error.',
    'Revisar que la petición incluya el número de póliza real en vigor y datos de clientes reales.',
  ],
  422: ["'nonPaymentInd' is missing."],
  500: ['Confirmar que todas las variables de la petición tengan algún valor, eliminar las que no lo tengan y reintentar más tarde'],
};

const catalogued = (status: number) => KNOWLEDGE_BASE.filter((e) => e.catalogueRef?.startsWith(`${status}-`));

describe('cesce explain <status>: every seed solution, in Spanish and in English', () => {
  it('has one catalogue entry per seed solution', () => {
    for (const [status, n] of Object.entries(SEED_SOLUTIONS)) {
      const refs = catalogued(Number(status)).map((e) => e.catalogueRef).sort((a, b) => Number(a!.split('-')[1]) - Number(b!.split('-')[1]));
      expect(refs, `status ${status}`).toEqual(Array.from({ length: n }, (_, i) => `${status}-${i + 1}`));
    }
  });

  it.each(Object.keys(SEED_SOLUTIONS).map(Number))('HTTP %i', async (status) => {
    const entries = catalogued(status);
    const es = await cesce(['explain', String(status), '--lang', 'es']);
    expect(es.code).toBe(0);
    expect(es.stderr).toBe('');
    for (const e of entries) {
      expect(es.stdout, e.id).toContain(e.fix.es);
      expect(es.stdout).toContain(e.cause.es);
      expect(es.stdout).toContain(e.title.es);
      expect(es.stdout).toContain(`${e.catalogueRef} (documentación de soporte`);
    }
    for (const sentence of SEED_SENTENCES[status]!) expect(es.stdout).toContain(sentence);
    expect(es.stdout).toMatch(/Quién actúa: +\S/);
    expect(es.stdout).toMatch(/¿Reintentar\?: +(sí|no)/);
    expect(es.stdout).toMatch(/Origen: +(publicado|inferido)/);

    const en = await cesce(['explain', String(status), '--lang', 'en']);
    expect(en.code).toBe(0);
    for (const e of entries) {
      expect(en.stdout, e.id).toContain(e.fix.en);
      expect(en.stdout).toContain(e.cause.en);
      // English only: no Spanish fix leaks in (the 422 example is quoted in both).
      if (e.fix.es !== e.fix.en) expect(en.stdout).not.toContain(e.fix.es);
    }
    expect(en.stdout).toMatch(/Who acts: +\S/);
    expect(en.stdout).toMatch(/Retry helps\?: +(yes|no)/);
    expect(en.stdout).toMatch(/Source: +(published|inferred)/);
    expect(en.stdout).not.toContain('Solución:');
  });

  it('prints both languages with --lang both, and the generic entry of the status', async () => {
    const run = await cesce(['explain', '403', '--lang', 'both']);
    const entry = catalogued(403)[0]!;
    expect(run.stdout).toContain(entry.fix.es);
    expect(run.stdout).toContain(entry.fix.en);
    expect(run.stdout).toContain('cesce-403-generic');
  });

  it('covers gateway statuses: 502 is explained by the 500 entry', async () => {
    const run = await cesce(['explain', '502', '--lang', 'en']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cesce-500-service-unavailable');
    expect(run.stdout).toContain('cesce-500-generic');
  });
});

describe('cesce explain <status> <message>', () => {
  it('prints the one entry that matches, as the client would', async () => {
    const run = await cesce(['explain', '400', 'La póliza 38100029218 está vencida desde 2025-06-30.', '--lang', 'es']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('cesce-400-policy-expired');
    expect(run.stdout.match(/^cesce-\S+ {2}\(HTTP/gm)).toHaveLength(1);
    expect(run.stdout).toContain('En el caso de PRE, pasar consulta al equipo de Transformación');
  });

  it('joins the words of an unquoted message', async () => {
    const run = await cesce(['explain', '400', 'No', 'existe', 'una', 'clasificación', 'para', 'el', 'deudor', '--lang', 'en']);
    expect(run.stdout).toContain('cesce-400-classification-required');
  });

  it('refines by --env and --operation', async () => {
    expect((await cesce(['explain', '404', 'not found', '--env', 'sandbox'])).stdout).toContain('cesce-404-sandbox-dataset');
    expect((await cesce(['explain', '404', 'not found', '--env', 'pro'])).stdout).toContain('cesce-404-real-data');
    expect((await cesce(['explain', '401', 'Unauthorized', '--operation', 'token'])).stdout).toContain('cesce-401-client-credentials');
    const op = await cesce(['explain', '400', '--operation', 'token', '--json']);
    const ids = JSON.parse(op.stdout).map((e: { id: string }) => e.id);
    expect(ids).toContain('cesce-400-oauth-credentials');
    expect(ids).not.toContain('cesce-400-classification-state');
    expect(ids).not.toContain('cesce-400-sale-data');
  });

  it('says when only the generic entry applies', async () => {
    const run = await cesce(['explain', '400', 'algo totalmente desconocido', '--lang', 'en']);
    expect(run.stdout).toContain('cesce-400-generic');
    expect(run.stdout).toMatch(/No specific entry recognises this message; the generic one applies\. Entries for HTTP 400: cesce-400-contract-format/);
  });
});

describe('cesce explain <kb-id>', () => {
  it('prints that entry', async () => {
    const run = await cesce(['explain', 'cesce-422-missing-field', '--lang', 'es']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("'nonPaymentInd' is missing.");
    expect(run.stdout).toContain('Falta un campo obligatorio');
  });

  it('prints JSON with --json', async () => {
    const run = await cesce(['explain', 'cesce-400-contract-format', '--json']);
    expect(run.code).toBe(0);
    const [entry] = JSON.parse(run.stdout);
    expect(entry).toMatchObject({ id: 'cesce-400-contract-format', status: 400, catalogueRef: '400-7', actor: 'you', retryable: false, inferred: false });
    expect(entry.fix.es).toContain('34109150331 o 38100029218');
    expect(entry.recognise[0].messagePatterns[0]).toMatch(/^\/.+\/i$/);
  });

  it('exits 1 on an unknown id and lists every id', async () => {
    const run = await cesce(['explain', 'cesce-999-nope']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("unknown knowledge-base id 'cesce-999-nope'");
    for (const e of [...KNOWLEDGE_BASE, ...GENERIC_ENTRIES]) expect(run.stderr).toContain(e.id);
    const json = await cesce(['explain', 'cesce-999-nope', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).ids).toContain('cesce-500-service-unavailable');
  });

  it('exits 1 on an unknown operation or a number that is not a status', async () => {
    const op = await cesce(['explain', '400', 'x', '--operation', 'sales.delete']);
    expect(op.code).toBe(1);
    expect(op.stderr).toMatch(/unknown operation 'sales\.delete'[\s\S]*sales\.create/);
    expect((await cesce(['explain', '9999'])).code).toBe(1);
  });
});

describe('language', () => {
  it('defaults from LC_ALL, LC_MESSAGES, LANG', async () => {
    expect(langFromEnvironment({ LANG: 'es_ES.UTF-8' })).toBe('es');
    expect(langFromEnvironment({ LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(langFromEnvironment({ LC_ALL: 'en_US.UTF-8', LANG: 'es_ES.UTF-8' })).toBe('en');
    expect(langFromEnvironment({ LC_MESSAGES: 'es_ES', LANG: 'en_US' })).toBe('es');
    expect(langFromEnvironment({ LC_ALL: '', LANG: 'es' })).toBe('es');
    expect(langFromEnvironment({ LANG: 'C' })).toBe('en');
    expect(langFromEnvironment({ LANG: 'est_EE' })).toBe('en');
    expect(langFromEnvironment({})).toBe('en');

    const es = await cesce(['explain', '403'], { LANG: 'es_ES.UTF-8' });
    expect(es.stdout).toContain('Solución:');
    const en = await cesce(['explain', '403'], { LC_ALL: 'en_US.UTF-8', LANG: 'es_ES.UTF-8' });
    expect(en.stdout).toContain('Fix:');
    expect(en.stdout).not.toContain('Solución:');
  });

  it('documents the command with examples', async () => {
    const run = await cesce(['explain', '--help']);
    expect(run.code).toBe(0);
    for (const text of ['<status|kb-id>', '--lang', '--operation', '--env', '--json', 'Examples:', 'cesce explain 400 --lang es']) expect(run.stdout).toContain(text);
    expect((await cesce(['--help'])).stdout).toContain('explain');
  });
});
