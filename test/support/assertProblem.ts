// Asserts that a call fails with an AwsProblem of the given code (and action), and returns it.
import assert from 'node:assert/strict';
import { isAwsProblem, type AwsProblem } from '../../src/aws/index';

export async function rejectsWithProblem(fn: () => Promise<unknown>, code: string, actionKind?: string): Promise<AwsProblem> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected an AwsProblem ${code}, but the call succeeded`);
  assert.ok(isAwsProblem(caught), `expected an AwsProblem ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `code of "${caught.message}"`);
  if (actionKind !== undefined) assert.equal(caught.action?.kind, actionKind);
  return caught;
}
