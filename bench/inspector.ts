// Forces a full garbage collection in another Node process and reads its memory, through Node's
// inspector (the Chrome DevTools Protocol). Used on the extension host: its RSS right after a burst
// of work includes garbage and the young generation V8 grew for it, which say little about what the
// extension keeps; after a full GC, what is left is what the extension (and VS Code's side of its
// tree) holds.
//
// SIGUSR1 makes a Node process open its inspector on 127.0.0.1:9229 (Node's default). Node 20 has a
// WebSocket client only behind --experimental-websocket (`npm run bench` passes it).
import { sleep } from './stats';

export interface ProcessMemory {
  rssMb: number;
  heapUsedMb: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (e: MessageEvent) => {
      const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
      if (!p || msg.id === undefined) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`inspector: ${msg.error.message}`));
      else p.resolve(msg.result);
    });
    socket.addEventListener('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('inspector: connection closed'));
      this.pending.clear();
    });
  }

  /** Opens the inspector of `pid` (SIGUSR1) and connects to it. */
  static async attach(pid: number, port = 9229): Promise<Inspector> {
    if (typeof WebSocket !== 'function') throw new Error('no WebSocket in this Node: run with --experimental-websocket (npm run bench does)');
    process.kill(pid, 'SIGUSR1');
    let url: string | undefined;
    for (let i = 0; i < 50 && !url; i++) {
      await sleep(100);
      try {
        const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl?: string }>;
        url = targets[0]?.webSocketDebuggerUrl;
      } catch {
        /* not listening yet */
      }
    }
    if (!url) throw new Error(`process ${pid} did not open its inspector on 127.0.0.1:${port}`);
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`inspector: cannot connect to ${url}`)), { once: true });
    });
    return new Inspector(socket);
  }

  private call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Two full GCs (the second frees what the first's finalizers released), then process.memoryUsage(). */
  async memoryAfterGc(): Promise<ProcessMemory> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
    const r = (await this.call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true })) as {
      result: { value: string };
    };
    const m = JSON.parse(r.result.value) as { rss: number; heapUsed: number };
    return { rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 };
  }

  /** Disconnects (the process, a bench window's extension host, ends with the bench). */
  close(): void {
    this.socket.close();
  }
}
