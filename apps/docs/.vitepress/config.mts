import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type DefaultTheme } from 'vitepress';

/** Written by scripts/generate.mjs (run before every build). */
const generatedFile = fileURLToPath(new URL('../reference/sidebar.json', import.meta.url));
if (!existsSync(generatedFile)) {
  throw new Error('apps/docs/reference/ is missing: run `node apps/docs/scripts/generate.mjs` first (pnpm docs:build does it)');
}
const generated = JSON.parse(readFileSync(generatedFile, 'utf8')) as {
  errors: { id: string; status: number; title: { en: string; es: string } }[];
};

const errorItems = (lang: 'en' | 'es', base: string): DefaultTheme.SidebarItem[] =>
  generated.errors.map((e) => ({ text: `${e.status || '—'} ${e.title[lang]}`, link: `${base}/${e.id}` }));

const guides: DefaultTheme.SidebarItem = {
  text: 'Guides',
  items: [
    { text: 'Odoo admin', link: '/guides/odoo-admin' },
    { text: 'Integrator', link: '/guides/integrator' },
    { text: 'Support', link: '/guides/support' },
    { text: 'Scaling out (multi-worker)', link: '/guides/scale-out' },
    { text: 'Diagrams', link: '/guides/diagrams' },
  ],
};
const reference: DefaultTheme.SidebarItem = {
  text: 'Reference (generated)',
  items: [
    { text: 'Overview', link: '/reference/' },
    { text: 'CLI', link: '/reference/cli' },
    { text: 'Config file', link: '/reference/config' },
    { text: 'API coverage and fidelity', link: '/reference/fidelity' },
    { text: 'Error catalogue', link: '/reference/errors/' },
  ],
};

export default defineConfig({
  title: 'cesce-connect',
  description: 'Connect an ERP to the APIs of Cesce, the Spanish export-credit insurer.',
  srcExclude: ['scripts/**', 'test/**', 'README.md'],
  // A link to a page that does not exist fails the build (the browser test checks the built site too).
  ignoreDeadLinks: false,
  lastUpdated: false,
  locales: {
    root: { label: 'English', lang: 'en' },
    es: {
      label: 'Español',
      lang: 'es',
      link: '/es/',
      themeConfig: {
        outline: { level: [2, 3], label: 'En esta página' },
        docFooter: { prev: 'Anterior', next: 'Siguiente' },
        returnToTopLabel: 'Volver arriba',
        sidebarMenuLabel: 'Menú',
        darkModeSwitchLabel: 'Apariencia',
        langMenuLabel: 'Cambiar de idioma',
        nav: [
          { text: 'Catálogo de errores', link: '/es/reference/errors/' },
          { text: 'Guías (inglés)', link: '/guides/odoo-admin' },
        ],
        sidebar: {
          '/es/': [
            { text: 'Catálogo de errores', items: [{ text: 'Todas las entradas', link: '/es/reference/errors/' }, ...errorItems('es', '/es/reference/errors')] },
          ],
        },
      },
    },
  },
  themeConfig: {
    search: {
      provider: 'local',
      options: {
        locales: {
          es: {
            translations: {
              button: { buttonText: 'Buscar', buttonAriaLabel: 'Buscar' },
              modal: {
                displayDetails: 'Mostrar la lista detallada',
                resetButtonTitle: 'Borrar la búsqueda',
                backButtonTitle: 'Cerrar la búsqueda',
                noResultsText: 'Sin resultados para',
                footer: { selectText: 'elegir', navigateText: 'moverse', closeText: 'cerrar' },
              },
            },
          },
        },
      },
    },
    // The language menu leads to the other locale's home page: only the error catalogue is translated.
    i18nRouting: false,
    nav: [
      { text: 'Guides', link: '/guides/odoo-admin' },
      { text: 'Reference', link: '/reference/' },
      { text: 'Errors', link: '/reference/errors/' },
    ],
    sidebar: {
      '/guides/': [guides, reference],
      '/reference/errors/': [
        { text: 'Error catalogue', items: [{ text: 'All entries', link: '/reference/errors/' }, ...errorItems('en', '/reference/errors')] },
        reference,
      ],
      '/reference/': [reference, guides],
    },
    outline: { level: [2, 3] },
    footer: { message: 'MIT licensed. References generated from the code on every build.' },
  },
});
