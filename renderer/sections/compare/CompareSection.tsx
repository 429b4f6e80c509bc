import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function CompareSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Compare" subtitle={`Runs of ${project.name} side by side, built around what differs.`} />
      <EmptyState title="Nothing to compare yet" command="strata runs --json">
        <p>Pick two or more runs in Runs to compare them here: changed parameters first, then metrics with their deltas, then training curves on shared axes. You need at least two finished runs.</p>
      </EmptyState>
    </>
  );
}
