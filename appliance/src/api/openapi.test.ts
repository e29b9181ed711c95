import { beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, type Harness } from '../../test/api-harness.js';
import { openApiPath } from './openapi.js';

let h: Harness;
let headers: Record<string, string>;
beforeAll(async () => {
  h = await apiHarness({ version: '9.9.9' });
  headers = await h.bearer('viewer');
});
const app = { request: (path: string) => h.app.request(path, { headers }), get routes() { return h.app.routes; } };

interface Doc {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string; required: boolean }>; requestBody?: { content: { 'application/json': { schema: { required?: string[]; properties: Record<string, unknown> } } } } }>>;
}

describe('OpenAPI document', () => {
  it('lists every mounted route with its method, generated from the routes themselves', async () => {
    const res = await app.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.9.9');
    const mounted = app.routes.filter((r) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.path.includes('*'));
    expect(mounted.length).toBeGreaterThan(25);
    for (const r of mounted) expect(doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
  });

  it('describes bodies and query parameters from the zod schemas the routes validate with', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as Doc;
    const create = doc.paths['/api/v1/cameras']!.post!;
    expect(create.requestBody!.content['application/json'].schema.required).toEqual(expect.arrayContaining(['id', 'source']));
    expect(Object.keys(create.requestBody!.content['application/json'].schema.properties)).toEqual(expect.arrayContaining(['zones', 'lines', 'hwaccel']));
    const heat = doc.paths['/api/v1/cameras/{id}/heatmap']!.get!;
    expect(heat.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:id', 'query:from', 'query:to', 'query:kind', 'query:class']));
    expect(doc.paths['/api/v1/reports/{file}']!.get).toBeDefined();
  });

  it('groups the AI-service contract under its own tag, with its answers described', async () => {
    const doc = (await (await app.request('/api/v1/openapi.json')).json()) as Doc & {
      tags: Array<{ name: string }>;
      paths: Record<string, Record<string, { tags?: string[]; responses: Record<string, { content?: { 'application/json': { schema: { required?: string[] } } } }> }>>;
    };
    expect(doc.tags.map((t) => t.name)).toEqual(['AI service']);
    const contract: Array<[string, string, string, string[]]> = [
      ['post', '/api/v1/video/analyze', '202', ['session_id', 'status', 'progress', 'error']],
      ['get', '/api/v1/video/analyze/{session_id}', '200', ['session_id', 'status', 'progress', 'error', 'result']],
      ['get', '/api/v1/reports/sessions/{session_id}/analytics', '200', ['session_id', 'tracks', 'detections', 'zones', 'lines', 'timeline']],
      ['get', '/api/v1/reports/sessions/{session_id}/heatmap', '200', ['session_id', 'width', 'height', 'grid']],
      ['post', '/api/v1/reports/generate', '201', ['report_id', 'session_id', 'report_type', 'summary']],
    ];
    for (const [method, path, status, fields] of contract) {
      const op = doc.paths[path]![method]!;
      expect(op.tags, `${method} ${path}`).toEqual(['AI service']);
      expect(op.responses[status]!.content!['application/json'].schema.required, `${method} ${path}`).toEqual(expect.arrayContaining(fields));
    }
    const tagged = Object.values(doc.paths).flatMap((item) => Object.values(item)).filter((op) => op.tags?.includes('AI service'));
    expect(tagged).toHaveLength(contract.length);
    const heat = doc.paths['/api/v1/reports/sessions/{session_id}/heatmap']!.get! as unknown as Doc['paths'][string][string];
    expect(heat.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['path:session_id', 'query:width', 'query:height']));
  });

  it('serves a docs page without any outside resource', async () => {
    const res = await app.request('/api/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('/api/v1/openapi.json');
    expect(html).not.toMatch(/https?:\/\//);
  });
});
