// "Show Billing Group Details": a read-only virtual JSON document (iot-billing-group:/NAME.json)
// with everything the service says of the group. JSON in a text editor shows hostile text inertly.
import vscode = require('vscode');
import { inert } from '../core/displayText';
import { asProblem } from '../shared/problems';
import type { Connections } from '../connection/connections';
import type { Session } from '../connection/session';

export const DETAILS_SCHEME = 'iot-billing-group';

export class DetailsProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly connections: Connections) {}

  /**
   * The document of a group. Its path is what the tab, the editor title and the window title show:
   * a name holding controls or bidi marks (only an emulator allows them) is shown there inert, with
   * visible <U+XXXX> markers, and the real name travels in the query. Valid names keep `/NAME.json`.
   * A group of another connection than the first carries the connection in the query (the same name
   * may exist in two regions).
   */
  static uriFor(name: string, session?: Session): vscode.Uri {
    const shown = inert(name);
    const query = new URLSearchParams({ ...(shown === name ? {} : { name }), ...(session && !session.primary ? { connection: session.id } : {}) }).toString();
    return vscode.Uri.from({ scheme: DETAILS_SCHEME, path: `/${shown}.json`, ...(query ? { query } : {}) });
  }

  /** The group a details URI is about (see uriFor). */
  static nameOf(uri: vscode.Uri): string {
    return new URLSearchParams(uri.query).get('name') ?? uri.path.replace(/^\//, '').replace(/\.json$/, '');
  }

  /** The connection a details URI is about: the first, unless the URI names another. */
  private sessionOf(uri: vscode.Uri): Session | undefined {
    const id = new URLSearchParams(uri.query).get('connection');
    return id ? this.connections.get(id) : this.connections.primary;
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const name = DetailsProvider.nameOf(uri);
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const session = this.sessionOf(uri);
      if (!session) return `${JSON.stringify({ name, error: 'This connection was removed.' }, null, 2)}\n`;
      const { service, connection } = await session.connect();
      const d = await service.describeBillingGroup(name, abort.signal);
      const [tags, things] = await Promise.all([
        service.listTags(d.arn, abort.signal).catch((e: unknown) => ({ unavailable: asProblem(e)?.message ?? String(e) })),
        service.listThingsInBillingGroup(name, undefined, abort.signal).catch((e: unknown) => ({ unavailable: asProblem(e)?.message ?? String(e) })),
      ]);
      const doc = {
        name: d.name,
        arn: d.arn,
        id: d.id,
        version: d.version ?? null,
        description: d.description,
        creationDate: d.creationDate?.toISOString() ?? null,
        tags: Array.isArray(tags) ? Object.fromEntries(tags.map((t) => [t.key, t.value])) : tags,
        things: 'items' in things ? things.items : things,
        moreThings: 'items' in things ? Boolean(things.nextToken) : undefined,
        profile: connection.profile,
        region: connection.region,
        ...(connection.roleArn ? { roleArn: connection.roleArn } : {}),
      };
      return `${JSON.stringify(doc, null, 2)}\n`;
    } catch (e) {
      return `${JSON.stringify({ name, error: asProblem(e)?.message ?? String(e) }, null, 2)}\n`;
    } finally {
      sub.dispose();
    }
  }

  /** Opens (or refreshes and focuses) the details of a group. */
  async show(name: string, session?: Session): Promise<void> {
    const uri = DetailsProvider.uriFor(name, session);
    this.emitter.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Details of {0}', inert(name)), 2000);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
