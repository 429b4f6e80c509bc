import { EmptyState } from '../../components/EmptyState.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import type { SectionProps } from '../types.js';

export function DeploySection({ project }: SectionProps) {
  return (
    <>
      <SectionHeader
        title="Deploy"
        subtitle={`Where the models of ${project.name} are served or exported.`}
      />
      <EmptyState title="No deploy targets yet">
        <p>
          Deploy targets appear here with the model version each one serves. Declare a target under{' '}
          <code>targets:</code> in strata.yaml, then deploy a tagged model version to it.
        </p>
        <p className="muted">
          strata.yaml declares {project.config.targets} target{project.config.targets === 1 ? '' : 's'} now.
          Running them from the app arrives with a later version of Strata.
        </p>
      </EmptyState>
    </>
  );
}
