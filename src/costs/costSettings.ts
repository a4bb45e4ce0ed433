// The costs settings (iotBillingGroups.costs.*), read with their defaults and made valid.
import vscode = require('vscode');
import { clampMonths } from '../core/costPeriod';
import { COST_METRICS, DEFAULT_COST_SERVICES, DEFAULT_COST_TAG_KEY } from '../core/costs';
import { CACHE_HOURS_DEFAULT } from './costCache';

export const COSTS_SECTION = 'iotBillingGroups.costs';

export interface CostSettings {
  tagKey: string;
  months: number;
  metric: string;
  services: string[];
  showInTree: boolean;
  cacheHours: number;
  /** iotBillingGroups.costs.includeCreditsAndRefunds: false leaves RECORD_TYPE Credit and Refund out. */
  includeCreditsAndRefunds: boolean;
}

export function readCostSettings(): CostSettings {
  const c = vscode.workspace.getConfiguration(COSTS_SECTION);
  const tagKey = (c.get<string>('tagKey') ?? '').trim() || DEFAULT_COST_TAG_KEY;
  const metric = c.get<string>('metric') ?? '';
  const services = (c.get<string[]>('services') ?? []).filter((s) => typeof s === 'string' && s.trim() !== '');
  const hours = c.get<number>('cacheHours');
  return {
    tagKey,
    months: clampMonths(c.get<number>('months')),
    metric: (COST_METRICS as readonly string[]).includes(metric) ? metric : COST_METRICS[0],
    services: services.length > 0 ? services : [...DEFAULT_COST_SERVICES],
    showInTree: c.get<boolean>('showInTree') === true,
    cacheHours: typeof hours === 'number' && Number.isFinite(hours) && hours >= 0 ? hours : CACHE_HOURS_DEFAULT,
    includeCreditsAndRefunds: c.get<boolean>('includeCreditsAndRefunds') === true,
  };
}
