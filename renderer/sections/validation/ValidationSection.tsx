import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function ValidationSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Validation" subtitle={`Checks on the data and models of ${project.name}.`} />
      <EmptyState title="No validation rules yet">
        <p>
          Validation results appear here: schema, ranges, missing values and metric thresholds, checked
          against each new version. Declare rules under <code>validations:</code> in strata.yaml.
        </p>
        <p className="muted">
          strata.yaml declares {project.config.validations} rule{project.config.validations === 1 ? '' : 's'}{' '}
          now. Running them from the app arrives with a later version of Strata.
        </p>
      </EmptyState>
    </>
  );
}
