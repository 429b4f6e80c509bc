import { Component, type ReactNode } from 'react';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { toErrorData } from '../../shared/errors.js';

interface Props {
  title: string;
  children: ReactNode;
}

/**
 * Sections are written by different people and grow fast; one that throws while rendering must cost the
 * user that section only, not the whole window. Switching sections remounts the boundary and retries.
 */
export class SectionBoundary extends Component<Props, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <div className="section-crash">
        <h1 className="section-header__title">{this.props.title}</h1>
        <ErrorNotice
          error={toErrorData(this.state.error)}
          title={`The ${this.props.title} view failed to draw`}
        />
        <button type="button" className="btn" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
