// import 'webcodecs-native/polyfill': see polyfill.js.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const { installed } = require('./polyfill.js');
