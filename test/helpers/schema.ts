import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { findUnifiedResource } from '../../src/models/index.ts';

/** Validates records against the published JSON Schema of a unified resource. */
export function schemaValidator(model: string, resource: string) {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  const schema = findUnifiedResource(model, resource)!.schema;
  const validate = ajv.compile(schema);
  return (record: unknown): string | null => (validate(record) ? null : ajv.errorsText(validate.errors));
}
