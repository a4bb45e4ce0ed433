// "Create Billing Group (Form)": a webview panel, one per window, that survives being hidden, moved
// to another editor group and a window reload without losing what was typed.
//
// - The webview keeps its values with setState on every keystroke; VS Code hands that state back
//   when the webview is shown again, recreated in another group, or restored after a reload (the
//   serializer below). So retainContextWhenHidden is not needed: a hidden form costs no memory.
// - The webview is untrusted input: each message is checked by src/core/formProtocol and the values
//   again by src/core/validation before anything happens; anything else is ignored and logged.
// - Values handed to the form (the quick pick's "Open in Form") are sent as a `fill` with a token
//   and re-sent on every `ready` until the webview acknowledges that token, so a fill posted to a
//   hidden (unloaded) webview is not lost.
// - Create: the form shows progress; runCreate shows the notification and reveals the group; on
//   success the form closes (the notification says what happened and offers Reveal / Copy ARN);
//   on failure it stays with every value as typed and the error next to the field it concerns.
//   One create at a time per form: a second one (double-click, Enter held) is ignored.
import vscode = require('vscode');
import type { FormOpener } from './createCommands';
import type { Deps } from '../shared/deps';
import type { Session } from '../connection/session';
import { runCreate } from './createFlow';
import { inert } from '../core/displayText';
import {
  CAPS,
  clampValues,
  fieldForProblem,
  firstProblem,
  parseFormMessage,
  parseFormState,
  toInput,
  type FormValues,
  type HostMessage,
} from '../core/formProtocol';
import { actionCommand, asProblem, isCancellation, reportError } from '../shared/problems';
import { webviewHtml } from '../shared/webviewHtml';

export const FORM_VIEW_TYPE = 'iotBillingGroups.createForm';

type ErrorMessage = Extract<HostMessage, { type: 'error' }>;

/** One open form: its panel, listeners and what is under way. */
class FormSession implements vscode.Disposable {
  creating = false;
  /** A fill not yet acknowledged by the webview. */
  pendingFill: { values: FormValues; token: number } | undefined;
  /** An error posted while the form was hidden (its webview unloaded): shown again on the next `ready`. */
  pendingError: ErrorMessage | undefined;
  /** What the error's button runs: decided here, never by the webview. */
  action: { title: string; command: string; arguments?: unknown[] } | undefined;
  disposed = false;
  readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    /** The connection the form creates in. */
    public target: Session,
  ) {}

  post(msg: HostMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(msg).then(undefined, () => undefined);
  }

  /** Closes the panel; the panel's onDidDispose (or this, if that never comes) releases the listeners. */
  dispose(): void {
    const first = !this.disposed;
    this.released();
    if (first) this.panel.dispose();
  }

  /** The panel is gone: drop every listener and tell the controller. */
  released(): void {
    this.disposed = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.onReleased?.();
    this.onReleased = undefined;
  }

  onReleased: (() => void) | undefined;
}

export class FormPanelController implements FormOpener, vscode.Disposable {
  private session: FormSession | undefined;
  private nextToken = 1;
  private readonly disposables: vscode.Disposable[] = [];

  /** The panel serializer is registered at activation (create/index.ts) and hands a form open at reload to restore(). */
  constructor(private readonly deps: Deps) {}

  /** Opens the form, or focuses the open one; with values, the form shows them (replacing what it had). */
  open(values?: FormValues, target?: Session): void {
    let session = this.session;
    if (!session) {
      const panel = vscode.window.createWebviewPanel(FORM_VIEW_TYPE, vscode.l10n.t('Create Billing Group'), vscode.ViewColumn.Active, this.webviewOptions());
      session = this.adopt(panel, target);
    } else {
      if (target) session.target = target;
      session.panel.reveal();
    }
    this.showTarget(session);
    if (values) this.fill(session, values);
  }

  /** With several connections, the panel's title names the one the form creates in. */
  private showTarget(session: FormSession): void {
    const title = this.deps.connections.multiple ? `${vscode.l10n.t('Create Billing Group')} — ${inert(session.target.label)}` : vscode.l10n.t('Create Billing Group');
    if (session.panel.title !== title) session.panel.title = title;
  }

  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    if (this.session) {
      // One form per window: one is open already (opened before the restore got to it).
      panel.dispose();
      return;
    }
    const session = this.adopt(panel);
    this.showTarget(session);
    // The webview reads the same state with getState; sending it too (checked like any message)
    // makes the restore independent of that.
    const values = parseFormState(state);
    if (values) this.fill(session, values);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    const root = this.deps.context.extensionUri;
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media', 'form')],
    };
  }

  private adopt(panel: vscode.WebviewPanel, target?: Session): FormSession {
    const session = new FormSession(panel, target ?? this.deps.connections.primary);
    this.session = session;
    panel.iconPath = this.iconFor();
    panel.webview.options = this.webviewOptions();
    session.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(session, m)),
      panel.onDidDispose(() => session.released()),
    );
    session.onReleased = () => {
      if (this.session === session) this.session = undefined;
    };
    panel.webview.html = this.html(panel.webview);
    return session;
  }

  private iconFor(): vscode.Uri {
    return vscode.Uri.joinPath(this.deps.context.extensionUri, 'media', 'icon.png');
  }

  private fill(session: FormSession, values: FormValues): void {
    session.pendingFill = { values: clampValues(values), token: this.nextToken++ };
    session.post({ type: 'fill', ...session.pendingFill });
  }

  private onMessage(session: FormSession, raw: unknown): void {
    if (session.disposed) return;
    const parsed = parseFormMessage(raw);
    if (!parsed.ok) {
      this.deps.log.warn(`Create form: ignored a message from the webview: ${inert(parsed.reason, 300)}`);
      return;
    }
    const msg = parsed.msg;
    switch (msg.type) {
      case 'ready':
        // A (re)loaded webview: tell it what is under way and what it has not seen yet.
        session.post({ type: 'busy', busy: session.creating });
        if (session.pendingFill) session.post({ type: 'fill', ...session.pendingFill });
        if (session.pendingError) {
          session.post(session.pendingError);
          session.pendingError = undefined;
        }
        return;
      case 'filled':
        if (session.pendingFill?.token === msg.token) session.pendingFill = undefined;
        return;
      case 'cancel':
        if (session.creating) {
          this.deps.log.warn('Create form: ignored cancel while the create is under way (cancel it in its notification)');
          return;
        }
        session.dispose();
        return;
      case 'action': {
        const action = session.action;
        if (!action) {
          this.deps.log.warn('Create form: ignored an action request with no action offered');
          return;
        }
        void vscode.commands.executeCommand(action.command, ...(action.arguments ?? []));
        return;
      }
      case 'create':
        void this.create(session, msg.values);
        return;
    }
  }

  private postError(session: FormSession, error: ErrorMessage): void {
    session.post(error);
    // A hidden form's webview is unloaded and misses the message; it gets it when it loads again.
    if (!session.panel.visible) session.pendingError = error;
  }

  private async create(session: FormSession, values: FormValues): Promise<void> {
    if (session.creating) {
      this.deps.log.warn('Create form: ignored a second create while one is under way');
      return;
    }
    const invalid = firstProblem(values);
    if (invalid) {
      // The webview validates with the same rules and does not send this: ignored (its own
      // validation shows what is wrong), logged, and the form unlocked in case it locked itself.
      this.deps.log.warn(`Create form: refused values that break the rules: ${inert(invalid.message, 300)}`);
      session.post({ type: 'busy', busy: false });
      return;
    }
    session.creating = true;
    session.pendingError = undefined;
    session.action = undefined;
    session.post({ type: 'busy', busy: true });
    try {
      // The connection may have been removed while the form was open: then the first one, and the title says so.
      if (session.target.disposed) session.target = this.deps.connections.primary;
      this.showTarget(session);
      const result = await runCreate(this.deps, session.target, toInput(values));
      if (!result) {
        this.postError(session, {
          type: 'error',
          field: 'top',
          message: vscode.l10n.t('Billing group {0} is being created already; wait for that to finish.', inert(values.name, 200)),
        });
        return;
      }
      // Created (or already there, unchanged): runCreate's notification says which. Close the form.
      session.creating = false;
      session.dispose();
    } catch (e) {
      if (isCancellation(e)) {
        this.deps.log.info('Create form: create cancelled');
        return;
      }
      const problem = asProblem(e);
      const message = problem ? problem.message : `${vscode.l10n.t('Creating billing group failed')}: ${e instanceof Error ? e.message : String(e)}`;
      if (session.disposed) {
        // The form was closed while the call ran: say it in a notification, and offer the values back.
        const target = session.target;
        await reportError(this.deps.log, vscode.l10n.t('Creating billing group failed'), e, [{ title: vscode.l10n.t('Edit in Form'), run: () => this.open(values, target) }], target);
        return;
      }
      this.deps.log.error(`${vscode.l10n.t('Creating billing group failed')}: ${problem ? problem.code : 'unexpected'}`, problem ? message : e);
      const fix = actionCommand(problem?.action, session.target);
      session.action = fix;
      const where = fieldForProblem(problem?.code ?? '', message, values);
      this.postError(session, {
        type: 'error',
        ...where,
        message: inert(message, CAPS.message),
        ...(fix ? { actionTitle: fix.title } : {}),
      });
    } finally {
      session.creating = false;
      session.post({ type: 'busy', busy: false });
    }
  }

  private html(webview: vscode.Webview): string {
    return webviewHtml(webview, this.deps.context.extensionUri, { script: ['dist', 'webview', 'form.js'], style: ['media', 'form', 'form.css'], title: vscode.l10n.t('Create Billing Group') });
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
