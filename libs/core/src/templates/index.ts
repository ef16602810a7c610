// Template mining of log lines, incident titles and alert messages (issue 6).
export {
  maskMessage,
  maskToken,
  MAX_TEMPLATE_TOKENS,
  MAX_TOKEN_CHARS,
  tokenize as tokenizeMessage,
  WILDCARD as TEMPLATE_WILDCARD,
} from './masking.js';
export { templateIdOf } from './template-id.js';
export {
  mergeToken as mergeTemplateToken,
  TEMPLATE_MINER_DEFAULTS,
  TemplateMiner,
  type AddResult,
  type TemplateInfo,
  type TemplateMatch,
  type TemplateMinerOptions,
  type TemplateMinerStats,
} from './template-miner.js';
