import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function DriftSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Drift" subtitle={`How the data of ${project.name} shifts between versions.`} />
      <EmptyState title="No drift monitors yet">
        <p>
          Drift reports appear here, comparing the distribution of each column in a new data version with a
          reference version. Declare a monitor under <code>monitors:</code> in strata.yaml.
        </p>
        <p className="muted">
          strata.yaml declares {project.config.monitors} monitor{project.config.monitors === 1 ? '' : 's'}{' '}
          now. Running them from the app arrives with a later version of Strata.
        </p>
      </EmptyState>
    </>
  );
}
