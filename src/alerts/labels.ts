// An alert label a runbook names, also under the name a common exporter gives
// it. kafka_exporter, whose kafka_consumergroup_lag the Kafka runbooks alert
// on, labels the consumer group `consumergroup`; kafka-lag-exporter says
// `group`. A runbook names one of them; without this, an alert from the other
// exporter fills nothing and the run quietly takes the default group.
// The label itself always wins over its other name.
const OTHER_NAMES: Readonly<Record<string, readonly string[]>> = {
  group: ['consumergroup'],
  consumergroup: ['group'],
};

export interface FoundLabel {
  value: string;
  /** The label that carried it: the name asked for, or its other name. */
  label: string;
}

export function findLabel(labels: Readonly<Record<string, string>>, name: string): FoundLabel | undefined {
  for (const label of [name, ...(OTHER_NAMES[name] ?? [])]) {
    if (Object.hasOwn(labels, label) && labels[label] !== '') return { value: labels[label]!, label };
  }
  return undefined;
}
