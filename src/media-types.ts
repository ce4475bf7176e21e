/** The content type of every JSON body Tessera sends. */
export const JSON_TYPE = 'application/json; charset=utf-8';
