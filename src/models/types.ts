/** A JSON Schema object as published for a unified resource (draft 2020-12 subset). */
export type JsonSchema = Record<string, unknown>;

export interface UnifiedResource {
  /** Singular human label, used in messages such as "User <id> not found". */
  label: string;
  description: string;
  methods: string[];
  schema: JsonSchema;
}

export interface UnifiedModel {
  name: string;
  label: string;
  description: string;
  resources: Record<string, UnifiedResource>;
}
