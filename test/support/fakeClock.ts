// TEST CODE ONLY — a clock for the processes of code-server, loaded with NODE_OPTIONS=--require.
// Never shipped.
//
// Why not Debian's libfaketime (LD_PRELOAD): VS Code's server deletes LD_PRELOAD from the extension
// host's environment on Linux (removeDangerousEnvVariables), so only the server would run at the
// chosen time, not the extension. This replaces the global Date of each Node process code-server
// starts (server, extension host) by one that adds the offset in milliseconds written in the file
// named by IOTBG_CLOCK_OFFSET_FILE (re-read at most once a second), so a test can move the clock
// while the workbench runs. Timers (setTimeout/setInterval) and the monotonic clock keep their pace.
import * as fs from 'node:fs';

const file = process.env.IOTBG_CLOCK_OFFSET_FILE;
if (file) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  let offset = 0;
  let readAt = Number.NEGATIVE_INFINITY;
  const now = (): number => {
    const t = realNow();
    if (t - readAt >= 1000) {
      readAt = t;
      try {
        const n = Number(fs.readFileSync(file, 'utf8').trim());
        if (Number.isFinite(n)) offset = n;
      } catch {
        // no file: the real time
      }
    }
    return t + offset;
  };
  // A function, not a class, so that Date() without new still gives a string, as the real one does.
  const FakeDate = function (this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now()).toString();
    return args.length === 0 ? new RealDate(now()) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  } as unknown as DateConstructor;
  Object.setPrototypeOf(FakeDate, RealDate);
  Object.defineProperty(FakeDate, 'prototype', { value: RealDate.prototype });
  Object.defineProperty(FakeDate, 'now', { value: now });
  globalThis.Date = FakeDate;
}
