import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aChange, aChangeContent } from '#testing';
import { emptyPolicy } from '../policy/policy.js';
import { ChangeHistory } from './change-history.js';
import { contentFeatureValues, linesChanged } from './content-features.js';
import { changeFeatures } from './features.js';
import { DEFAULT_RISK_MODEL, estimateRisk } from './risk-model.js';

describe('change-content features', () => {
  it('are 0 for a routine change and count doublings from it', () => {
    const routine = contentFeatureValues(
      aChange({
        content: aChangeContent({
          files: 2,
          directories: 1,
          subsystems: 1,
          linesBefore: 1000,
          developers: 3,
          filesAgeDays: 30,
          priorChanges: 10,
          authorExperience: 100,
          authorRecentExperience: 10,
          authorSubsystemExperience: 50,
          commits: 1,
          entropy: 0,
        }),
      }),
    );
    for (const [feature, x] of Object.entries(routine)) assert.equal(x, 0, feature);
    const wide = contentFeatureValues(
      aChange({ content: aChangeContent({ files: 11, entropy: Math.log2(11) }) }),
    );
    assert.equal(wide.files.toFixed(3), Math.log2(12 / 3).toFixed(3));
    assert.equal(wide.entropy, 1);
  });

  it('mark a change without content, and leave unknown features at the routine value', () => {
    assert.equal(contentFeatureValues(aChange())['content-unknown'], 1);
    const partial = contentFeatureValues(aChange({ content: { ...aChangeContent(), developers: null } }));
    assert.equal(partial['content-unknown'], 0);
    assert.equal(partial.developers, 0);
  });

  it('size comes from the change, else from the lines its content adds and deletes', () => {
    assert.equal(linesChanged(aChange({ sizeLines: 42, content: aChangeContent() })), 42);
    assert.equal(linesChanged(aChange({ sizeLines: null, content: aChangeContent() })), 150);
    assert.equal(linesChanged(aChange({ sizeLines: null })), null);
  });

  it('name the features that moved the risk most, in words', () => {
    const change = aChange({
      sizeLines: null,
      rollout: 'unknown',
      content: aChangeContent({
        linesAdded: 2400,
        linesDeleted: 300,
        files: 48,
        directories: 9,
        subsystems: 4,
        entropy: 4.8,
        authorExperience: 3,
        fix: true,
      }),
    });
    const { reasons } = estimateRisk(
      DEFAULT_RISK_MODEL,
      change,
      changeFeatures(change, new ChangeHistory(), emptyPolicy('spec')),
    );
    const top = reasons.filter((r) => r.factor !== 'baseline').slice(0, 3);
    assert.deepEqual(
      top.map((r) => r.factor),
      ['spread', 'size', 'purpose'],
    );
    assert.match(top[0]!.detail, /^48 files, 9 directories, 4 subsystems, changed lines spread 86% evenly$/);
    assert.match(
      top[1]!.detail,
      /^2,700 lines changed \(\+2400\/−300, touched files held 2,400 lines, 3 commits\)/,
    );
    assert.equal(top[2]!.detail, 'fixes a defect');
    assert.match(
      reasons.find((r) => r.factor === 'author-experience')!.detail,
      /^author made 3 earlier changes/,
    );
  });
});
