import { useEffect, useState } from 'react';
import type { ArtifactInfo, ArtifactKind, RemoteCheckout, VersionInfo } from '../../../shared/api/index.js';
import type { StrataErrorData } from '../../../shared/errors.js';
import { EmptyState } from '../../components/EmptyState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { SectionHeader } from '../../components/SectionHeader.js';
import { followArtifacts, useArtifactsStore } from '../../stores/artifacts.js';
import { href, navigate, useRoute } from '../../stores/route.js';
import { CopyLink } from '../../components/CopyLink.js';
import type { SectionProps } from '../types.js';
import { AddForm } from './AddForm.js';
import { AliasHistory } from './AliasHistory.js';
import { DiffPanel } from './DiffPanel.js';
import { FileTree } from './FileTree.js';
import { StorePanel } from './StorePanel.js';
import { RemotesPanel } from './RemotesPanel.js';
import { PullOffer, RemoteOnlyVersions } from './RemoteOnly.js';
import { remoteOnlyVersions, useRemotesStore } from '../../stores/remotes.js';
import { VersionTable as VersionTableBlock } from './VersionTable.js';
import { bytes } from './format.js';
import './data.css';
import { GateBadge, OverrideForm, useGates } from '../models/gates.js';
import { SourceRun } from '../models/SourceRun.js';
import { ImportedFrom, useBundleImports } from '../models/ImportedFrom.js';
import { DeployDialog } from '../deploy/DeployDialog.js';

interface Props extends SectionProps {
  section: 'data' | 'models';
  title: string;
  subtitle: string;
  kinds: ArtifactKind[];
  addKind: ArtifactKind;
  empty: { title: string; command: string; text: string };
}

/** Artifacts of some kinds with their versions, a version's files, a diff of any two, and aliases. */
export function ArtifactsView({ api, project, section, title, subtitle, kinds, addKind, empty }: Props) {
  const s = useArtifactsStore();
  const [adding, setAdding] = useState(false);
  const [alias, setAlias] = useState(addKind === 'model' ? 'champion' : 'prod');
  const [compare, setCompare] = useState<{ a: number | null; b: number | null }>({ a: null, b: null });
  const [actionError, setActionError] = useState<StrataErrorData | null>(null);
  const [deploying, setDeploying] = useState<number | null>(null);
  const [refused, setRefused] = useState<VersionInfo | null>(null);
  const [offer, setOffer] = useState<{ plan: RemoteCheckout; force: boolean } | null>(null);
  const [pulling, setPulling] = useState(false);
  const remotes = useRemotesStore((r) => r.status);
  const refreshRemotes = useRemotesStore((r) => r.refresh);
  useEffect(() => {
    void s.load(api);
    return followArtifacts(api);
  }, [api, project.root]);

  const list = s.artifacts.filter((a) => kinds.includes(a.kind));
  // The URL names the place: #data/<artifact>/<version>, or #data/diff/<artifact>/<a>/<b> for a diff.
  const route = useRoute();
  const here = route.section === section ? route.parts : [];
  const diffLink = here[0] === 'diff' && here.length === 4 ? here : null;
  const selName = diffLink ? diffLink[1] : here[0];
  const selVersion = diffLink ? Number(diffLink[3]) : here[1] !== undefined ? Number(here[1]) : null;
  const artifact: ArtifactInfo | undefined = list.find((a) => a.name === selName) ?? list[0];
  const versionNumber =
    artifact && artifact.name === selName && artifact.versions.some((v) => v.number === selVersion)
      ? selVersion
      : (artifact?.versions[0]?.number ?? null);
  const version = artifact?.versions.find((v) => v.number === versionNumber);
  const imports = useBundleImports(
    api,
    section === 'models' ? (artifact?.name ?? null) : null,
    artifact?.versions.length ?? 0,
  );
  const importOf = (n: number) => imports.find((r) => r.version === n);
  const imported = version && importOf(version.number);
  const cmpA = compare.a ?? artifact?.versions[1]?.number ?? null;
  const cmpB = compare.b ?? artifact?.versions[0]?.number ?? null;

  // A link to an artifact of the other kind (from a run, say) goes to its section; a diff link picks the pair.
  useEffect(() => {
    const target = s.artifacts.find((x) => x.name === selName);
    if (target && !kinds.includes(target.kind))
      navigate(href(section === 'data' ? 'models' : 'data', here), { replace: true });
    else if (diffLink) setCompare({ a: Number(diffLink[2]), b: Number(diffLink[3]) });
  }, [s.artifacts, section, here.join('/')]);

  useEffect(() => {
    if (artifact && versionNumber !== null) void s.loadTree(api, artifact.name, versionNumber);
  }, [artifact?.name, versionNumber, artifact?.versions.length]);
  useEffect(() => {
    if (artifact && cmpA !== null && cmpB !== null && cmpA !== cmpB)
      void s.loadDiff(api, `${artifact.name}@${cmpA}`, `${artifact.name}@${cmpB}`);
  }, [artifact?.name, cmpA, cmpB]);

  const act = async (fn: () => Promise<unknown>) => {
    try {
      setActionError(null);
      await fn();
      await s.load(api);
    } catch (err) {
      setActionError(err as StrataErrorData);
    }
  };
  const promote = (v: VersionInfo, override?: string) =>
    act(async () => {
      setRefused(null);
      try {
        await api.call('artifacts.tag', { artifact: v.artifact, ref: String(v.number), alias, override });
      } catch (err) {
        if ((err as StrataErrorData).code === 'GATE_FAILED') setRefused(v);
        throw err;
      }
    });
  const gateKey = artifact ? artifact.versions.map((v) => `${v.number}:${v.aliases.join()}`).join(' ') : '';
  const gates = useGates(api, section === 'models' ? artifact?.name : undefined, gateKey);
  // A version (or contents) only on a remote is refused with ON_REMOTE: the refusal becomes an offer.
  const checkout = (v: { artifact: string; number: number }, force: boolean) =>
    act(async () => {
      setOffer(null);
      try {
        await api.call('artifacts.checkout', { artifact: v.artifact, ref: String(v.number), force });
      } catch (err) {
        const e = err as StrataErrorData;
        if (e.code !== 'ON_REMOTE') throw err;
        setOffer({ plan: e.details as RemoteCheckout, force });
      }
    });
  const pullAndCheckout = ({ plan, force }: { plan: RemoteCheckout; force: boolean }) =>
    act(async () => {
      setPulling(true);
      try {
        const at = plan.version.lastIndexOf('@');
        const { jobId } = await api.call('artifacts.checkout', {
          artifact: plan.version.slice(0, at),
          ref: plan.version.slice(at + 1),
          force,
          pull: true,
          remote: plan.remote,
        });
        setOffer(null);
        const job = await api.call('jobs.wait', { id: jobId });
        if (job.state === 'failed' && job.error) throw job.error;
        await refreshRemotes(api);
      } finally {
        setPulling(false);
      }
    });

  const header = (
    <SectionHeader
      title={title}
      subtitle={subtitle}
      actions={
        <button
          type="button"
          className="btn btn--primary btn--small"
          onClick={() => setAdding(true)}
          data-testid="add-artifact"
        >
          Version a path…
        </button>
      }
    />
  );
  const top = (
    <>
      {header}
      {adding && <AddForm api={api} kind={addKind} onClose={() => setAdding(false)} />}
      <StorePanel api={api} root={project.root} />
      <RemotesPanel api={api} root={project.root} />
      {s.watch?.mode === 'polling' && (
        <div className="notice notice--info" role="status" data-testid="watch-polling">
          <p className="notice__message">{s.watch.message}</p>
        </div>
      )}
      {s.error && <ErrorNotice error={s.error} />}
      {actionError && <ErrorNotice error={actionError} onDismiss={() => setActionError(null)} />}
      {offer && (
        <PullOffer
          plan={offer.plan}
          busy={pulling}
          onPull={() => void pullAndCheckout(offer)}
          onDismiss={() => setOffer(null)}
        />
      )}
      {refused && actionError?.code === 'GATE_FAILED' && (
        <OverrideForm onOverride={(reason) => void promote(refused, reason)} />
      )}
    </>
  );
  if (!s.loaded)
    return (
      <>
        {top}
        <p className="muted" aria-busy="true">
          Reading versions…
        </p>
      </>
    );
  if (!artifact) {
    return (
      <>
        {top}
        <EmptyState title={empty.title} command={empty.command}>
          <p>{empty.text}</p>
        </EmptyState>
      </>
    );
  }
  const aliases = [...new Set(list.flatMap((a) => a.versions.flatMap((v) => v.aliases)))];
  const onRemote = remoteOnlyVersions(remotes, artifact.name);
  return (
    <>
      {top}
      <div className="picker dv-layout">
        <nav className="picker__list" aria-label={`${title} artifacts`}>
          {list.map((a) => (
            <button
              type="button"
              key={a.name}
              className={`picker__item${a.name === artifact.name ? ' is-selected' : ''}`}
              onClick={() => {
                navigate(href(section, [a.name]));
                setCompare({ a: null, b: null });
              }}
              data-testid={`artifact-${a.name}`}
            >
              <span className="picker__name">{a.name}</span>
              <span className="dv-item__path">{a.path}</span>
              <span className="dv-item__meta">
                {a.versions.length} version{a.versions.length === 1 ? '' : 's'}
                {a.versions[0] && ` · ${bytes(a.versions[0].totalBytes)}`}
                {a.watch && (
                  <span className="badge" title="versioned automatically when it changes">
                    watched
                  </span>
                )}
              </span>
            </button>
          ))}
        </nav>
        <div className="dv-main">
          <div className="dv-toolbar">
            <h2 className="dv-h2">
              {artifact.name}{' '}
              <span className="muted">
                {artifact.kind} · {artifact.path}
              </span>
            </h2>
            <label className="dv-alias-pick">
              Promote as
              <input
                className="input dv-alias-input"
                list="dv-aliases"
                value={alias}
                onChange={(e) => setAlias(e.target.value.trim())}
                aria-label="alias to promote"
              />
              <datalist id="dv-aliases">
                {aliases.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </label>
            <CopyLink />
          </div>
          {artifact.versions.length === 0 ? (
            <p className="muted">
              {onRemote.length ? (
                'No versions in this store yet; a remote has some (below).'
              ) : (
                <>
                  No versions yet: record one with <code>strata add {artifact.path}</code>.
                </>
              )}
            </p>
          ) : (
            <VersionTableBlock
              artifact={artifact}
              selected={versionNumber}
              compare={{ a: cmpA, b: cmpB }}
              alias={alias}
              onSelect={(v) => navigate(href(section, [artifact.name, v.number]))}
              onCompare={(side, v) => setCompare({ a: cmpA, b: cmpB, [side]: v.number })}
              onPromote={(v) => void promote(v)}
              gateBadge={
                section === 'models'
                  ? (v) => (
                      <>
                        <GateBadge report={gates.get(v.number)} />
                        {importOf(v.number) && (
                          <span
                            className="badge"
                            title={`imported from bundle ${importOf(v.number)!.file ?? ''}`}
                          >
                            imported
                          </span>
                        )}
                      </>
                    )
                  : undefined
              }
              actions={
                section === 'models'
                  ? (v) => (
                      <button
                        type="button"
                        className="btn btn--ghost btn--small"
                        onClick={() => setDeploying(v.number)}
                        data-testid={`deploy-${v.number}`}
                      >
                        Deploy…
                      </button>
                    )
                  : undefined
              }
            />
          )}
          <RemoteOnlyVersions
            versions={onRemote}
            onCheckout={(number) => void checkout({ artifact: artifact.name, number }, false)}
          />
          {deploying !== null && (
            <DeployDialog
              api={api}
              model={artifact.name}
              version={deploying}
              onClose={() => setDeploying(null)}
            />
          )}
          {artifact.versions.length > 0 && <AliasHistory api={api} artifact={artifact} alias={alias} />}
          <div className="dv-panes">
            {section === 'models' && imported && (
              <section className="dv-pane">
                <h3 className="dv-h3">Where @{version.number} came from</h3>
                <ImportedFrom record={imported} />
              </section>
            )}
            {section === 'models' && version?.runId && (
              <section className="dv-pane">
                <h3 className="dv-h3">Run behind @{version.number}</h3>
                <SourceRun api={api} runId={version.runId} />
              </section>
            )}
            {version && s.tree?.key === `${artifact.name}@${version.number}` && (
              <section className="dv-pane" data-testid="version-files">
                <div className="dv-pane__head">
                  <h3 className="dv-h3">Files of @{version.number}</h3>
                  <button
                    type="button"
                    className="btn btn--ghost btn--small"
                    onClick={() => void checkout(version, false)}
                    data-testid="checkout"
                  >
                    Check out
                  </button>
                  {actionError?.code === 'CONFLICT' && (
                    <button
                      type="button"
                      className="btn btn--ghost btn--small"
                      onClick={() => void checkout(version, true)}
                      data-testid="checkout-force"
                    >
                      Discard local changes and check out
                    </button>
                  )}
                </div>
                <FileTree entries={s.tree.entries} artifactPath={artifact.path} />
              </section>
            )}
            {cmpA !== null &&
              cmpB !== null &&
              cmpA !== cmpB &&
              s.diff?.key === `${artifact.name}@${cmpA} ${artifact.name}@${cmpB}` && (
                <section className="dv-pane">
                  <h3 className="dv-h3">
                    Changes @{cmpA} → @{cmpB}
                  </h3>
                  <DiffPanel diff={s.diff.result} artifactPath={artifact.path} />
                </section>
              )}
          </div>
        </div>
      </div>
    </>
  );
}
