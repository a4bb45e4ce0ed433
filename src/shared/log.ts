// The "AWS IoT Billing Groups" log: one line per AWS call, and problems. Never a secret.
import vscode = require('vscode');
import type { CallLog } from '../aws';
import { redact } from '../core/redact';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('AWS IoT Billing Groups', { log: true });
  }

  call(entry: CallLog): void {
    const line = [
      entry.operation,
      entry.region,
      `${entry.durationMs} ms`,
      entry.outcome,
      entry.attempts && entry.attempts > 1 ? `attempts=${entry.attempts}` : '',
      entry.requestId ? `requestId=${entry.requestId}` : '',
      entry.detail ? `(${entry.detail})` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const text = redact(line);
    if (entry.outcome === 'ok' || entry.outcome === 'cancelled') this.channel.info(text);
    else this.channel.warn(text);
  }

  /** Only written when the log level is Debug or Trace (Developer: Set Log Level…). */
  debug(message: string): void {
    this.channel.debug(redact(message));
  }

  info(message: string): void {
    this.channel.info(redact(message));
  }

  warn(message: string): void {
    this.channel.warn(redact(message));
  }

  error(message: string, e?: unknown): void {
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : e === undefined ? '' : String(e);
    this.channel.error(redact(detail ? `${message} — ${detail}` : message));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
