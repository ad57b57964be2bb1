import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** The budget: initial JavaScript beyond maplibre itself, uncompressed. */
const INITIAL_JS_LIMIT_BYTES = 1.5 * 1024 * 1024;

interface ChunkInfo {
  fileName: string;
  code: string;
  isEntry: boolean;
  imports: string[];
  dynamicImports: string[];
  moduleIds: string[];
  viteMetadata?: { importedCss?: Set<string> };
}

/** The bundle's chunks by file name, the static-import closure of some chunks, the entries and the map screen's chunks. */
function bundleGraph(bundle: Record<string, { type: string }>) {
  const chunks = new Map<string, ChunkInfo>();
  for (const item of Object.values(bundle)) {
    if (item.type === 'chunk') chunks.set((item as unknown as ChunkInfo).fileName, item as unknown as ChunkInfo);
  }
  const closure = (roots: string[]) => {
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const dep of chunks.get(name)?.imports ?? []) visit(dep);
    };
    roots.forEach(visit);
    return seen;
  };
  const entries = [...chunks.values()].filter((c) => c.isEntry).map((c) => c.fileName);
  // The map screen: its page and the map class with maplibre (a separate chunk the page imports in parallel).
  const chunkOf = (suffix: string) => [...chunks.values()].find((c) => c.moduleIds.some((id) => id.endsWith(suffix)))?.fileName;
  const mapScreenRoots = [chunkOf('features/map/map-page.tsx'), chunkOf('map/registry-map.ts')].filter((n): n is string => !!n);
  return { chunks, closure, entries, mapScreenRoots };
}

/**
 * Prints what the browser loads first: the shell (entry chunk and its static
 * imports) and the map screen (the shell plus the lazy map chunks and their
 * static imports), with and without maplibre, and fails the build when the
 * part beyond maplibre exceeds the budget.
 */
function bundleBudget(): Plugin {
  return {
    name: 'registry-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const { chunks, closure, entries, mapScreenRoots } = bundleGraph(bundle);
      const size = (names: Iterable<string>) => [...names].reduce((sum, n) => sum + Buffer.byteLength(chunks.get(n)?.code ?? ''), 0);
      const isMaplibre = (name: string) => (chunks.get(name)?.moduleIds ?? []).some((id) => id.includes('node_modules/maplibre-gl/'));
      const shell = closure(entries);
      const mapScreen = closure([...entries, ...mapScreenRoots]);
      const maplibre = [...mapScreen].filter(isMaplibre);
      const beyond = [...mapScreen].filter((n) => !isMaplibre(n));
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
      const lines = [
        'initial JavaScript (uncompressed):',
        `  shell (entry + static imports)      ${kb(size(shell))}`,
        `  map screen, beyond maplibre         ${kb(size(beyond))}  (budget ${kb(INITIAL_JS_LIMIT_BYTES)})`,
        `  maplibre-gl (lazy, map screen only)  ${kb(size(maplibre))} + worker`,
      ];
      console.log(`\n${lines.join('\n')}\n`);
      if (size(beyond) > INITIAL_JS_LIMIT_BYTES) this.error(`initial JavaScript beyond maplibre is ${kb(size(beyond))}, over the ${kb(INITIAL_JS_LIMIT_BYTES)} budget`);
    },
  };
}

/**
 * The map is the first screen: index.html preloads its lazy chunk, maplibre
 * and their stylesheets, so the browser fetches them alongside the shell's
 * JavaScript instead of after the shell has run and asked for them
 * (a waterfall step of 0.3–1 s on a loaded machine).
 */
function preloadMapScreen(): Plugin {
  return {
    name: 'registry-preload-map-screen',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return [];
        const { chunks, closure, entries, mapScreenRoots } = bundleGraph(bundle);
        const shell = closure(entries);
        const scripts = [...closure(mapScreenRoots)].filter((name) => !shell.has(name));
        const styles = new Set(scripts.flatMap((name) => [...(chunks.get(name)?.viteMetadata?.importedCss ?? [])]));
        return [
          ...scripts.map((name): HtmlTagDescriptor => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${name}` }, injectTo: 'head' })),
          ...[...styles].map((name): HtmlTagDescriptor => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `/${name}` }, injectTo: 'head' })),
        ];
      },
    },
  };
}

export default defineConfig({
  plugins: [react(), bundleBudget(), preloadMapScreen()],
  build: {
    outDir: 'dist',
    sourcemap: false,
    reportCompressedSize: true,
    // maplibre is one large, rarely changing library: its own chunk, cached apart from the app.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'maplibre', test: /node_modules[\\/]maplibre-gl/ }, { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] },
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000', '/tiles': 'http://127.0.0.1:3000', '/ogc': 'http://127.0.0.1:3000', '/docs': 'http://127.0.0.1:3000' } },
});
