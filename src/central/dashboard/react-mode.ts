/**
 * React's development build checks every element it renders: the overview page took 124 ms to
 * render against 13 ms with the production build. The centre renders with the production build
 * unless NODE_ENV says otherwise (vitest runs as 'test', so tests keep React's checks). Imported
 * first by the dashboard's plugin, before anything loads React, which reads NODE_ENV when loaded.
 */
process.env.NODE_ENV ??= 'production';
