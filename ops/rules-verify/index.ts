export {
  createRulesVerifyTool,
  formatVerifyReport,
  RULES_VERIFY_USAGE,
  type RulesVerifyEnvironment,
  runRulesVerifyCli,
} from './cli';
export { createCloudPatternTester, TestEventPatternError } from './client';
export { fixtureEvents, rulesOfStack, stackOfRegion } from './inputs';
