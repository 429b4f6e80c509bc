import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function DataSection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader title="Data" subtitle={`Versioned datasets of ${project.name}, stored by content hash.`} />
      <EmptyState title="No datasets tracked yet" command="strata add data/customers.csv --kind dataset">
        <p>Datasets you track appear here with every version, its size, schema and row count. Track one with <code>strata add</code>, or list it under <code>artifacts:</code> in strata.yaml with <code>kind: dataset</code>; edits to watched files are versioned automatically.</p>
      </EmptyState>
    </>
  );
}
