import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function ModelsSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Models" subtitle={`Versioned models of ${project.name}, with the run that produced each.`} />
      <EmptyState title="No models versioned yet" command="strata add models/model.json --kind model">
        <p>Model versions appear here once a pipeline stage writes one, or when you track a file with <code>strata add … --kind model</code>. Tag a version (for example <code>champion</code>) with <code>strata tag model@7 champion</code>.</p>
      </EmptyState>
    </>
  );
}
