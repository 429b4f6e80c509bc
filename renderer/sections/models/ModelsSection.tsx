import type { SectionProps } from '../types.js';
import { ArtifactsView } from '../data/ArtifactsView.js';

export function ModelsSection(props: SectionProps) {
  return (
    <ArtifactsView
      {...props}
      section="models"
      title="Models"
      subtitle={`Versioned models of ${props.project.name}, with the run that produced each.`}
      kinds={['model']}
      addKind="model"
      empty={{
        title: 'No models versioned yet',
        command: 'strata add models/model.json --kind model',
        text: 'Model versions appear here once a pipeline stage writes one, or when you track a file with strata add … --kind model. Promote a version to an alias such as champion with one click, or strata tag model@7 champion.',
      }}
    />
  );
}
