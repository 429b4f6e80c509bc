import { useEffect } from 'react';
import type { ProjectSummary } from '../../shared/api/index.js';
import { useApi } from '../app/context.js';
import { JobsButton, JobsPanel } from '../jobs/JobsTray.js';
import { sectionById, sections } from '../sections/registry.js';
import { navigate, useRoute } from '../stores/route.js';
import { useUiStore } from '../stores/ui.js';
import { ConfigBanner } from './ConfigBanner.js';
import { DriftAlertBanner } from '../sections/drift/AlertBanner.js';
import { CtBanner } from '../sections/pipelines/CtBanner.js';
import { Header } from './Header.js';
import { ProjectFacts } from './ProjectFacts.js';
import { SectionBoundary } from './SectionBoundary.js';
import { Sidebar } from './Sidebar.js';

/** The app around an open project: header, sidebar of sections, the active section, the jobs tray. */
export function Frame({ project }: { project: ProjectSummary }) {
  const api = useApi();
  const sectionId = useRoute((r) => r.section);
  const trayOpen = useUiStore((s) => s.trayOpen);
  const section = sectionById(sectionId) ?? sections[0];
  const Section = section.component;

  useEffect(() => api.on('app.show', ({ to }) => navigate(to)), [api]);

  useEffect(() => {
    document.title = `${project.name} — ${section.title} — Strata`;
    return () => {
      document.title = 'Strata';
    };
  }, [project.name, section.title]);

  return (
    <div className={`frame${trayOpen ? ' frame--tray' : ''}`} data-testid="app-frame">
      <Header project={project} />
      <Sidebar active={section.id} />
      <main className="frame__main" id="section" aria-label={section.title} data-section={section.id}>
        {project.configError && <ConfigBanner error={project.configError} />}
        <DriftAlertBanner />
        <CtBanner />
        <div className="frame__section">
          <SectionBoundary key={section.id} title={section.title}>
            <Section api={api} project={project} />
          </SectionBoundary>
        </div>
      </main>
      {trayOpen && <JobsPanel />}
      <footer className="statusbar">
        <ProjectFacts project={project} />
        <JobsButton />
      </footer>
    </div>
  );
}
