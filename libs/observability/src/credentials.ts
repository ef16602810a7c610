// Names that carry a credential, which neither a log line nor a dead-letter record may keep
// (everyone who may read them could use it): the HTTP headers by name, and any name with a
// word such as token, secret, password, api-key, session, cookie or auth in it.
const CREDENTIAL_NAME =
  /^(authorization|proxy-authorization|cookie|set-cookie|private-token|apikey)$|(^|[-_.])(auth|authorization|token|tokens|secret|password|passwd|api[-_]?key|session|sessionid|credentials?|cookie|signature-key)([-_.]|$)/i;

/** camelCase words count as words too (apiKey, webhookToken). */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name) || CREDENTIAL_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

export const REDACTED = '[redacted]';
