import { Hono, type Context } from 'hono';
import { parseUnifiedQuery } from '../../../query/unified-query.ts';
import { rawQueryString, readJsonBody, sendJson, toTesseraError } from '../../respond.ts';
import { checkName, nameParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * /unified/{model}/{resource}[/{id}] — the data plane (docs/contract.md §3.1). GET without an id
 * lists, GET with an id gets; custom methods are POSTs only. These generic routes are published
 * per (model, resource) with each record schema, generated from the catalog's mappings by
 * http/openapi/unified-paths.ts rather than described here.
 */
export function unifiedRoutes() {
  const app = new Hono<HttpEnv>();

  const run =
    (method: string | ((c: Context<HttpEnv>) => string), takesId = true) =>
    async (c: Context<HttpEnv>) => {
      const model = nameParam(c, 'model', 'model');
      const resource = nameParam(c, 'resource', 'resource');
      const id = takesId ? c.req.param('id') : undefined;
      // A variable of this request: `method` belongs to the route, shared by all its requests
      // (assigning to it once made every later custom call run the first caller's method).
      const resolved = typeof method === 'function' ? checkName(method(c), 'method') : method;
      const query = parseUnifiedQuery(rawQueryString(c));
      const body = resolved === 'get' || resolved === 'list' || resolved === 'delete' ? undefined : await readJsonBody(c);
      const services = c.get('services');
      const result = await services.unified.handle({
        environmentId: c.get('principal').environmentId,
        model,
        resource,
        method: resolved,
        id: id === undefined ? undefined : id,
        body,
        query,
        idempotencyKey: c.req.header('idempotency-key'),
        signal: c.req.raw.signal,
        log: c.get('requestLog'),
        streaming: true,
      });
      if (result.kind === 'json') return sendJson(c, result.status, result.body, result.headers);
      const chunks = result.chunks[Symbol.asyncIterator]();
      // Nothing is sent before the first chunk: an error up to there is an ordinary error response.
      const first = await chunks.next();
      const readable = new ReadableStream<Uint8Array>(
        {
          start(controller) {
            if (first.done) controller.close();
            else controller.enqueue(Buffer.from(first.value));
          },
          // Called only when the response has taken the previous chunk (highWaterMark 0, and the
          // Node adapter waits for 'drain'): the provider is read no faster than the client reads.
          async pull(controller) {
            try {
              const next = await chunks.next();
              if (next.done) controller.close();
              else controller.enqueue(Buffer.from(next.value));
            } catch (e) {
              // The status line is already sent: the error travels at the end of the body.
              const err = toTesseraError(e);
              services.logger.warn({ request_id: c.get('requestId'), err: err.message, status: err.status }, 'stream ended with an error');
              controller.enqueue(Buffer.from(result.end(err.toEnvelope())));
              controller.close();
            }
          },
          // The client went away: stop reading the provider.
          async cancel() {
            await chunks.return?.(undefined);
          },
        },
        { highWaterMark: 0 },
      );
      return c.body(readable, 200, { ...result.headers, 'content-type': result.contentType });
    };

  app.get('/:model/:resource', run('list'));
  app.get('/:model/:resource/:id', run('get'));
  app.post('/:model/:resource', run('create'));
  app.patch('/:model/:resource/:id', run('update'));
  app.put('/:model/:resource/:id', run('update'));
  app.delete('/:model/:resource/:id', run('delete'));
  // A custom method: POST /unified/{model}/{resource}/{custom_method}.
  app.post(
    '/:model/:resource/:custom',
    run((c) => c.req.param('custom')!, false),
  );
  return app;
}
