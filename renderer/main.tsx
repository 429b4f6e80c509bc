import { createRoot } from 'react-dom/client';
import { connectApi } from './api/index.js';

const api = connectApi();
function App() {
  return <h1>Strata</h1>;
}
void api;
createRoot(document.getElementById('root')!).render(<App />);
