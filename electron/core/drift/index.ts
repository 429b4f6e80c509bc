import { projectServices } from '../services.js';
import { startMonitoring } from './watch.js';

projectServices.push((project, engine) => startMonitoring(project, engine));
