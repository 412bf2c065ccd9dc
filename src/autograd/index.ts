export { backward, grad, type BackwardOptions } from './backward.js';
export { noGrad, enableGrad, isGradEnabled } from './grad-mode.js';
export { gradcheck, gradgradcheck, type GradcheckOptions, type GradcheckResult, type GradcheckEntry } from './gradcheck.js';
