// Read-only report documents (bulk assignment, cost attribution): plain text in a virtual document,
// so nothing in a thing's name becomes markup and closing the tab never asks to save.
import vscode = require('vscode');

export const REPORT_SCHEME = 'iot-billing-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reports = new Map<string, string>();
  private counter = 0;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.reports.get(uri.path) ?? vscode.l10n.t('This report is no longer available.');
  }

  /** Opens `text` as a report titled `title` (kept for the session; the newest 20 only). */
  async open(title: string, text: string): Promise<vscode.TextEditor> {
    const path = `/${++this.counter} ${[...title].map((ch) => (/[\\/:*?"<>|]/.test(ch) || ch.charCodeAt(0) < 32 ? '_' : ch)).join('').slice(0, 80)}.txt`;
    this.reports.set(path, text);
    if (this.reports.size > 20) this.reports.delete(this.reports.keys().next().value as string);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: REPORT_SCHEME, path }));
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
    this.reports.clear();
  }
}
