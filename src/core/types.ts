// Plain data shapes shared by every layer (no vscode, no SDK).
export interface Tag {
  key: string;
  value: string;
}

export interface BillingGroupSummary {
  name: string;
  arn: string;
}

export interface BillingGroupDetails extends BillingGroupSummary {
  id: string;
  /** Absent on emulators that do not keep versions. */
  version?: number;
  description: string;
  creationDate?: Date;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}
