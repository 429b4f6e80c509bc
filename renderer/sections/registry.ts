import type { SectionDef } from './types.js';
import { RunsSection } from './runs/RunsSection.js';
import { CompareSection } from './compare/CompareSection.js';
import { DataSection } from './data/DataSection.js';
import { ModelsSection } from './models/ModelsSection.js';
import { PipelinesSection } from './pipelines/PipelinesSection.js';
import { ValidationSection } from './validation/ValidationSection.js';
import { DriftSection } from './drift/DriftSection.js';
import { DeploySection } from './deploy/DeploySection.js';
import { ReviewSection } from './review/ReviewSection.js';

/**
 * The sections of the app frame, in sidebar order. A section's owner replaces its component here (one
 * line) and keeps everything else in renderer/sections/<id>/; the shell reads nothing but this list.
 */
export const sections: readonly SectionDef[] = [
  {
    id: 'runs',
    title: 'Runs',
    shortcut: '1',
    summary: 'Pipeline runs with their parameters, metrics and logs',
    component: RunsSection,
  },
  {
    id: 'compare',
    title: 'Compare',
    shortcut: '2',
    summary: 'Runs side by side, differences first',
    component: CompareSection,
  },
  { id: 'data', title: 'Data', shortcut: '3', summary: 'Versioned datasets', component: DataSection },
  {
    id: 'models',
    title: 'Models',
    shortcut: '4',
    summary: 'Versioned models and their tags',
    component: ModelsSection,
  },
  {
    id: 'pipelines',
    title: 'Pipelines',
    shortcut: '5',
    summary: 'Stages from strata.yaml, and running them',
    component: PipelinesSection,
  },
  {
    id: 'validation',
    title: 'Validation',
    shortcut: '6',
    summary: 'Checks on data and models',
    component: ValidationSection,
  },
  {
    id: 'drift',
    title: 'Drift',
    shortcut: '7',
    summary: 'Distribution shift between data versions',
    component: DriftSection,
  },
  {
    id: 'deploy',
    title: 'Deploy',
    shortcut: '8',
    summary: 'Deploy targets and what they serve',
    component: DeploySection,
  },
  {
    id: 'review',
    title: 'Review',
    shortcut: '9',
    summary: 'New versions, runs and alerts to look at',
    component: ReviewSection,
  },
];

export function sectionById(id: string): SectionDef | undefined {
  return sections.find((s) => s.id === id);
}
