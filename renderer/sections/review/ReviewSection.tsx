import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function ReviewSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Review" subtitle={`Changes in ${project.name} waiting for a look.`} />
      <EmptyState title="Nothing to review">
        <p>
          New data versions, finished runs, failed validations and drift alerts collect here so you can go
          through them in one place and mark them as seen.
        </p>
      </EmptyState>
    </>
  );
}
