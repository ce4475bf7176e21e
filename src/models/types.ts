/** A JSON Schema object as published for a unified resource (draft 2020-12 subset). */
export type JsonSchema = Record<string, unknown>;

export interface UnifiedResource {
  /** Singular human label, used in messages such as "User <id> not found". */
  label: string;
  description: string;
  methods: string[];
  schema: JsonSchema;
  /**
   * The unified query parameters of the resource's list (beyond the contract's own), as a JSON
   * Schema object. An integration declares the subset it honours in its mapping's
   * `query_schema`; a caller passing one the integration lacks gets a 400 naming it.
   */
  query?: JsonSchema;
}

export interface UnifiedModel {
  name: string;
  label: string;
  description: string;
  resources: Record<string, UnifiedResource>;
}
