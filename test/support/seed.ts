// Sample data for `npm start`, the e2e suite and the README's screenshots: a small fleet of billing
// groups with descriptions and tags, and things in some of them. Created through the SDK directly.
import {
  AddThingToBillingGroupCommand,
  CreateBillingGroupCommand,
  CreateThingCommand,
  IoTClient,
} from '@aws-sdk/client-iot';

export function testClient(endpoint: string): IoTClient {
  return new IoTClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 2,
  });
}

export const SAMPLE_GROUPS: ReadonlyArray<{ name: string; description: string; tags: Record<string, string>; things: string[] }> = [
  { name: 'fleet-eu-west', description: 'Delivery vans, Dublin depot', tags: { costCenter: 'logistics-eu', env: 'prod' }, things: ['van-0101', 'van-0102', 'van-0103'] },
  { name: 'fleet-us-east', description: 'Delivery vans, Newark depot', tags: { costCenter: 'logistics-us', env: 'prod' }, things: ['van-0201', 'van-0202'] },
  { name: 'greenhouse-sensors', description: 'Soil and humidity sensors, site B', tags: { costCenter: 'agri-r-and-d' }, things: ['soil-17', 'soil-18', 'humid-03'] },
  { name: 'lab-prototypes', description: 'Boards on the bench; not billed to customers', tags: { env: 'dev' }, things: ['proto-a'] },
  { name: 'warehouse-scanners', description: 'Handheld scanners, Rotterdam', tags: { costCenter: 'ops-nl' }, things: [] },
];

export const UNGROUPED_THINGS = ['van-0301', 'soil-19', 'proto-b'];

export async function seedSampleFleet(endpoint: string): Promise<void> {
  const client = testClient(endpoint);
  try {
    for (const g of SAMPLE_GROUPS) {
      await client.send(
        new CreateBillingGroupCommand({
          billingGroupName: g.name,
          billingGroupProperties: { billingGroupDescription: g.description },
          tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
      for (const t of g.things) {
        await client.send(new CreateThingCommand({ thingName: t }));
        await client.send(new AddThingToBillingGroupCommand({ billingGroupName: g.name, thingName: t }));
      }
    }
    for (const t of UNGROUPED_THINGS) await client.send(new CreateThingCommand({ thingName: t }));
  } finally {
    client.destroy();
  }
}
