// Where Cost Explorer calls go: an emulator endpoint is followed, AWS endpoints of IoT are not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { costExplorerEndpoint, isAwsEndpoint } from '../../src/aws/costExplorer/endpoint';

describe('costExplorerEndpoint', () => {
  it('follows an emulator on loopback or any host that is not AWS', () => {
    assert.equal(costExplorerEndpoint('http://127.0.0.1:5000'), 'http://127.0.0.1:5000');
    assert.equal(costExplorerEndpoint('http://localhost:4566'), 'http://localhost:4566');
    assert.equal(costExplorerEndpoint('https://emulator.example.com'), 'https://emulator.example.com');
  });
  it('keeps the SDK default for AWS endpoints: FIPS, VPC, China, dual-stack', () => {
    for (const e of [
      'https://iot-fips.us-east-1.amazonaws.com',
      'https://vpce-0123-abcd.iot.eu-west-1.vpce.amazonaws.com',
      'https://iot.cn-north-1.amazonaws.com.cn',
      'https://iot.eu-west-1.api.aws',
      'https://IOT.EU-WEST-1.AMAZONAWS.COM.',
    ]) {
      assert.equal(isAwsEndpoint(e), true, e);
      assert.equal(costExplorerEndpoint(e), undefined, e);
    }
    assert.equal(costExplorerEndpoint(undefined), undefined);
  });
  it('is not fooled by a lookalike host', () => {
    assert.equal(isAwsEndpoint('https://amazonaws.com.evil.example'), false);
    assert.equal(isAwsEndpoint('https://notamazonaws.com'), false);
  });
});
