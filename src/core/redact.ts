// Keeps secrets out of the log: access keys, secret keys, session and SSO tokens.
const PATTERNS: Array<[RegExp, string]> = [
  [/\b(A3T[A-Z0-9]|AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA)[A-Z0-9]{12,}\b/g, '$1****'],
  [/((?:aws_)?secret_?access_?key|aws_session_token|session_?token|accessToken|refreshToken|clientSecret|sessionToken|secretAccessKey)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2****'],
  // Long base64-ish runs (tokens, signatures) that escaped the named patterns.
  [/[A-Za-z0-9+/=_-]{80,}/g, '****'],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}
