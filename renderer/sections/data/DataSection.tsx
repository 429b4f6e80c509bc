import type { SectionProps } from '../types.js';
import { ArtifactsView } from './ArtifactsView.js';

export function DataSection(props: SectionProps) {
  return (
    <ArtifactsView
      {...props}
      section="data"
      title="Data"
      subtitle={`Versioned datasets of ${props.project.name}, stored by content hash.`}
      kinds={['dataset', 'other']}
      addKind="dataset"
      empty={{
        title: 'No datasets tracked yet',
        command: 'strata add data/customers.csv --kind dataset',
        text: 'Datasets you track appear here with every version, its size, files and the run that produced it. Track one with strata add or the button above, or list it under artifacts: in strata.yaml with kind: dataset and watch: true to version every edit automatically.',
      }}
    />
  );
}
