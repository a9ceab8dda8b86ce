/**
 * The files the pages load, all from the centre itself (stores' networks may block the internet):
 * Chart.js from its npm package, and the dashboard's own script and style.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { CapbuError } from '../../errors.js';

const own = (name: string) => join(dirname(fileURLToPath(import.meta.url)), 'public', name);
const chartJs = () => join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const FILES: Record<string, { path: () => string; type: string }> = {
  'chart.umd.min.js': { path: chartJs, type: 'text/javascript; charset=utf-8' },
  'dashboard.js': { path: () => own('dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: () => own('dashboard.css'), type: 'text/css; charset=utf-8' },
};

export function assetRoutes(app: FastifyInstance): void {
  const loaded = new Map<string, Buffer>();
  app.get<{ Params: { file: string } }>('/assets/:file', async (request, reply) => {
    const file = Object.hasOwn(FILES, request.params.file) ? FILES[request.params.file] : undefined;
    if (!file) throw new CapbuError('NOT_FOUND');
    let body = loaded.get(request.params.file);
    if (!body) loaded.set(request.params.file, (body = readFileSync(file.path())));
    return reply.type(file.type).header('cache-control', 'public, max-age=3600').send(body);
  });
}
