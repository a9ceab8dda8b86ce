/**
 * What the kiosk's drawing thread needs before its first frame: React, Ink and the app. The
 * build bundles this module with its imports into one file (see scripts/bundle-ui.mjs), because
 * loading Ink's and React's hundreds of small modules one by one was most of the wait for the
 * first frame.
 */
export { createElement } from 'react';
export { render } from 'ink';
export { KioskApp } from './app.js';
