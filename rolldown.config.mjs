// The kiosk's drawing thread loads React, Ink and the screens from one file: imported module by
// module they were hundreds of files (Ink's es-toolkit import alone opens 416), most of the time
// between `capbu kiosk` and its first frame. Only src/screens/ui.ts is bundled; the rest of capbu
// runs from tsc's output as it is.
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: 'dist/screens/ui.js',
  platform: 'node',
  // Ink loads the React devtools only when DEV is set; the kiosk never does.
  external: ['react-devtools-core'],
  // The kiosk runs React's production build (src/cli/commands/kiosk.ts says why); fixing it here
  // also leaves the development build out of the bundle.
  transform: { define: { 'process.env.NODE_ENV': '"production"' } },
  output: { dir: 'dist/screens/ui-bundle', cleanDir: true, format: 'esm', sourcemap: true },
});
