import { createContext, useContext } from 'react';
import type { Api } from '../../shared/api/index.js';

export const ApiContext = createContext<Api | null>(null);

/** The Api of the host the renderer runs in; sections and stores never construct their own. */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() called outside <ApiContext.Provider>');
  return api;
}
