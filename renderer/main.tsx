import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/index.js';
import { App } from './app/App.js';
import { connectStores } from './app/connect.js';
import { ApiContext } from './app/context.js';
import './styles/theme.css';
import './styles/base.css';
import './styles/start.css';
import './styles/frame.css';
import './styles/jobs.css';
import './styles/picker.css';

const { api, onConnection } = connectApi();
connectStores(api, onConnection);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ApiContext.Provider value={api}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);
