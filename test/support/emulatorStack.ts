// What the e2e and proxy tests talk to: moto, the tag layer in front of it (the tag operations moto
// lacks, and a record of every request) and the fault proxy in front of that (faults, delays, counts).
import { startMoto, type MotoServer } from './moto';
import { startFaultProxy, type FaultProxy } from './faultProxy';
import { startTagLayer, type TagLayer } from './tagLayer';

export interface EmulatorStack {
  moto: MotoServer;
  layer: TagLayer;
  proxy: FaultProxy;
  /** An empty emulator, no tags, no rules and zeroed counters: each scenario starts from here. */
  fresh(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmulatorStack(): Promise<EmulatorStack> {
  const moto = await startMoto();
  let layer: TagLayer | undefined;
  try {
    layer = await startTagLayer(moto.endpoint);
    const proxy = await startFaultProxy(layer.endpoint);
    const l = layer;
    return {
      moto,
      layer: l,
      proxy,
      async fresh() {
        await moto.reset();
        l.clear();
        proxy.reset();
      },
      async stop() {
        await proxy.stop();
        await l.stop();
        await moto.stop();
      },
    };
  } catch (e) {
    await layer?.stop();
    await moto.stop();
    throw e;
  }
}
