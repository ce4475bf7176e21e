declare module '@truto/replace-placeholders' {
  export default function replacePlaceholders(template: unknown, data: Record<string, unknown>): any;
}
