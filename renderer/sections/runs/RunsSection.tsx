import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function RunsSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Runs" subtitle={`Every pipeline run of ${project.name}: status, parameters, metrics and logs.`} />
      <EmptyState title="No runs yet" command="strata run">
        <p>Runs appear here when you run the pipeline: <code>strata run</code> in a terminal, or the Run button in Pipelines. Each run records its parameters, metrics, logs and the exact versions of the data and code it used.</p>
      </EmptyState>
    </>
  );
}
