import { App } from 'cdktf';
import { appDefinition } from './environments';
import { synthesizeApp } from './lib/synthesize-app';

synthesizeApp(new App(), appDefinition);
