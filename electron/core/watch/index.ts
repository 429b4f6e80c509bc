import { projectServices } from '../services.js';
import { startWatching } from './service.js';

projectServices.push((project, engine) => startWatching(project, engine));
