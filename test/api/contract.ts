/**
 * Checks real responses against the OpenAPI description the server publishes: the status must be
 * documented for the operation, and a JSON body must match the documented schema, validated by
 * Ajv with the JSON Schema 2020-12 dialect that OpenAPI 3.1 uses. Objects are checked strictly
 * (no field the description does not name), so the description cannot fall behind the code.
 */
import assert from 'node:assert/strict';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const DOC_ID = 'https://paperboy.test/openapi.json';

type Json = Record<string, unknown>;

export class Contract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  /** `GET /api/daily_papers 200`, for each response checked. */
  readonly seen = new Set<string>();

  constructor(readonly doc: Json) {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...strict(structuredClone(doc)), $id: DOC_ID });
  }

  /** Asserts that `res` is a documented answer of `METHOD path-template`, and its body matches. */
  check(res: LightMyRequestResponse, method: string, template: string): void {
    const op = ((this.doc.paths as Json)[template] as Json | undefined)?.[method.toLowerCase()] as Json | undefined;
    assert.ok(op, `${method} ${template} is not in the OpenAPI description`);
    const status = String(res.statusCode);
    const response = (op.responses as Json)[status] as Json | undefined;
    assert.ok(response, `${method} ${template} answered ${status}, which its description does not list`);
    this.seen.add(`${method.toUpperCase()} ${template} ${status}`);
    const content = response.content as Record<string, unknown> | undefined;
    if (!content) {
      assert.equal(res.body, '', `${method} ${template} ${status} is documented without a body`);
      return;
    }
    const type = String(res.headers['content-type'] ?? '').split(';')[0]!.trim();
    assert.ok(type in content, `${method} ${template} ${status} answered ${type}, documented: ${Object.keys(content).join(', ')}`);
    if (type !== 'application/json') return;
    const pointer = `#/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    const body: unknown = res.json();
    assert.ok(validate(body), `${method} ${template} ${status}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every object schema that lists its properties gets `additionalProperties: false`. */
function strict(node: unknown): Json {
  if (Array.isArray(node)) node.forEach(strict);
  else if (node && typeof node === 'object') {
    const o = node as Json;
    if (o.type === 'object' && o.properties && o.additionalProperties === undefined) o.additionalProperties = false;
    for (const value of Object.values(o)) strict(value);
  }
  return node as Json;
}
