import type { ComponentType } from 'react';
import type { Api, ProjectSummary } from '../../shared/api/index.js';

export type SectionId =
  'runs' | 'compare' | 'data' | 'models' | 'pipelines' | 'validation' | 'drift' | 'deploy' | 'review';

/** What the shell hands every section: the host's Api and the open project (never null inside the frame). */
export interface SectionProps {
  api: Api;
  project: ProjectSummary;
}

export interface SectionDef {
  id: SectionId;
  title: string;
  /** The digit of its Ctrl/Cmd shortcut, also its position in the sidebar. */
  shortcut: string;
  /** One line for the sidebar tooltip and the shortcuts overlay. */
  summary: string;
  component: ComponentType<SectionProps>;
}
