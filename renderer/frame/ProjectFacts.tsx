import type { ProjectSummary } from '../../shared/api/index.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the open project declares, in the status bar: a quick check that the right strata.yaml was read. */
export function ProjectFacts({ project }: { project: ProjectSummary }) {
  const c = project.config;
  const facts = [
    c.source === 'none' ? 'no strata.yaml' : c.source,
    plural(c.artifacts, 'artifact'),
    plural(c.stages, 'stage'),
    `schema: ${project.schemaMigrations} migrations`,
  ];
  if (project.readOnly) facts.push('read-only');
  return (
    <span className="statusbar__facts" data-testid="project-facts">
      {facts.join(' · ')}
    </span>
  );
}
