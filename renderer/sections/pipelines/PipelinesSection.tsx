import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function PipelinesSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Pipelines" subtitle={`The stages of ${project.name} from strata.yaml (or dvc.yaml), as a graph you can run.`} />
      <EmptyState title="No pipeline to show yet" command="strata run --dry">
        <p>The stages declared under <code>stages:</code> in strata.yaml appear here as a graph, each with its command, inputs and outputs, and whether it is up to date. Run the whole pipeline or a single stage from here or with <code>strata run [stage]</code>.</p>
      </EmptyState>
    </>
  );
}
