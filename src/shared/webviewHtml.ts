// The page every webview of the extension starts from: a Content-Security-Policy of
// `default-src 'none'`, one script allowed by a fresh cryptographic nonce per load, the panel's own
// stylesheet, and an empty <main> the script fills with textContent only. No user text goes here.
import vscode = require('vscode');

export interface WebviewPage {
  /** The script, relative to the extension's root (e.g. ['dist', 'webview', 'form.js']). */
  script: string[];
  /** The stylesheet, relative to the extension's root (e.g. ['media', 'form', 'form.css']). */
  style: string[];
  title: string;
}

export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  // Web Crypto: no node:crypto load at activation.
  const nonce = Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(18))).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...page.script));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...page.style));
  const src = webview.cspSource;
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${src}`, `font-src ${src}`, `img-src ${src}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(style.toString())}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script nonce="${nonce}" src="${escapeHtml(script.toString())}"></script>
</body>
</html>`;
}

/** For the fixed strings of the page (a translated title, resource URIs). */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
