import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { extractLinks } from '../../src/papers/links.js';
import { arxivSample } from '../support/paths.js';

/** Sentences and comments from real records of arxiv-cs-143k (CC0), by arXiv id. */
const REAL = {
  '1904.11093': 'The source code is available at: github.com/mahdiabavisani/DSRC.',
  '2401.03955':
    'The model weights for reproducibility and research use are available at https://huggingface.co/ibm/ttm-research-r2/, while enterprise-use weights under the Apache license can be accessed as follows: the initial TTM-Q variant at https://huggingface.co/ibm-granite/granite-timeseries-ttm-r1, and the latest variants (TTM-B, TTM-E, TTM-A) weights are available at https://huggingface.co/ibm-granite/granite-timeseries-ttm-r2.',
  '2402.03049':
    'EasyInstruct is publicly released and actively maintained at https://github.com/zjunlp/EasyInstruct, along with an online demo app and a demo video for quick-start, calling for broader research centered on instruction data and synthetic data.\n' +
    'ACL 2024 System Demonstrations; Project website:\n  https://zjunlp.github.io/project/EasyInstruct Code:\n  https://github.com/zjunlp/EasyInstruct Video: https://youtu.be/rfQOWYfziFo\n  Demo: https://huggingface.co/spaces/zjunlp/EasyInstruct',
  '2402.15290': 'Code is available at: \\href{https://github.com/leonty1/essm}{https://github.com/leonty1/essm}.',
  '2402.14547':
    'Published in Transactions on Machine Learning Research (TMLR) 2024.\n  Code can be found in\n  https://github.com/google-research/optformer/tree/main/optformer/omnipred',
  '2401.10222': '23 pages, 3 figures, Project page:\n  https://github.com/TencentARC/ViSFT/tree/main',
  '2402.01704':
    'Code available @\n  https://github.com/google-deepmind/open_spiel/blob/master/open_spiel/python/games/chat_game.py',
  '2401.12392':
    'We applied our methodology in Mcity\\footnote{\\url{https://mcity.umich.edu/}}, a controlled testing environment, to evaluate various off-the-shelf perception systems.',
  '2401.14447':
    'Wordflow is available at:\n  https://poloclub.github.io/wordflow. The code is available at:\n  https://github.com/poloclub/wordflow/. For a demo video, see:\n  https://youtu.be/3dOcVuofGVo',
  '2403.07733': 'The code is available under: https://github. com/patrick-knab/DSEG-LIME',
  '2505.20771': 'The code is available via https://anonymous.4open.science/r/Self-Optimized-Fine-Tuning-264E',
};

describe('extractLinks on real abstracts and comments', () => {
  it('finds a bare github.com repo and trims the full stop', () => {
    assert.deepEqual(extractLinks(REAL['1904.11093']), [{ kind: 'code', url: 'https://github.com/mahdiabavisani/DSRC' }]);
  });

  it('classifies Hugging Face models, trimming slashes and punctuation', () => {
    assert.deepEqual(extractLinks(REAL['2401.03955']), [
      { kind: 'model', url: 'https://huggingface.co/ibm/ttm-research-r2' },
      { kind: 'model', url: 'https://huggingface.co/ibm-granite/granite-timeseries-ttm-r1' },
      { kind: 'model', url: 'https://huggingface.co/ibm-granite/granite-timeseries-ttm-r2' },
    ]);
  });

  it('dedupes, keeps first-appearance order, and treats spaces and videos as projects', () => {
    assert.deepEqual(extractLinks(REAL['2402.03049']), [
      { kind: 'code', url: 'https://github.com/zjunlp/EasyInstruct' },
      { kind: 'project', url: 'https://zjunlp.github.io/project/EasyInstruct' },
      { kind: 'project', url: 'https://youtu.be/rfQOWYfziFo' },
      { kind: 'project', url: 'https://huggingface.co/spaces/zjunlp/EasyInstruct' },
    ]);
  });

  it('reads \\href and \\url', () => {
    assert.deepEqual(extractLinks(REAL['2402.15290']), [{ kind: 'code', url: 'https://github.com/leonty1/essm' }]);
    assert.deepEqual(extractLinks(REAL['2401.12392']), [{ kind: 'project', url: 'https://mcity.umich.edu/' }]);
  });

  it('keeps a /tree/<ref>/<dir> sub-project and collapses other deep paths to the repo', () => {
    assert.deepEqual(extractLinks(REAL['2402.14547']), [
      { kind: 'code', url: 'https://github.com/google-research/optformer/tree/main/optformer/omnipred' },
    ]);
    assert.deepEqual(extractLinks(REAL['2401.10222']), [{ kind: 'code', url: 'https://github.com/TencentARC/ViSFT' }]);
    assert.deepEqual(extractLinks(REAL['2402.01704']), [{ kind: 'code', url: 'https://github.com/google-deepmind/open_spiel' }]);
  });

  it('separates github.io project pages from repos', () => {
    assert.deepEqual(extractLinks(REAL['2401.14447']), [
      { kind: 'project', url: 'https://poloclub.github.io/wordflow' },
      { kind: 'code', url: 'https://github.com/poloclub/wordflow' },
      { kind: 'project', url: 'https://youtu.be/3dOcVuofGVo' },
    ]);
  });

  it('repairs "github. com" and reads anonymised review repos as code', () => {
    assert.deepEqual(extractLinks(REAL['2403.07733']), [{ kind: 'code', url: 'https://github.com/patrick-knab/DSEG-LIME' }]);
    assert.deepEqual(extractLinks(REAL['2505.20771']), [
      { kind: 'code', url: 'https://anonymous.4open.science/r/Self-Optimized-Fine-Tuning-264E' },
    ]);
  });

  it('finds every GitHub repository written out as a URL in 3,400 real records', async () => {
    const lines = createInterface({ input: createReadStream(arxivSample).pipe(createGunzip()), crlfDelay: Infinity });
    let mentions = 0;
    for await (const line of lines) {
      const record = JSON.parse(line) as { id: string; abstract: string; comment: string | null };
      const text = record.comment === null ? record.abstract : `${record.abstract}\n${record.comment}`;
      const code = extractLinks(text).filter((l) => l.kind === 'code').map((l) => l.url.toLowerCase());
      // A plain reading to compare with: whole https URLs of a repository, LaTeX's \_ read as _.
      for (const [url] of text.replaceAll('\\_', '_').matchAll(/https?:\/\/github\.com\/[\w-]+\/[\w.-]*[\w-]/g)) {
        const repo = url.toLowerCase().replace(/^http:/, 'https:').replace(/\.git$/, '');
        assert.ok(code.some((c) => c === repo || c.startsWith(`${repo}/tree/`)), `${record.id}: ${url} not in ${code.join(' ')}`);
        mentions++;
      }
    }
    assert.ok(mentions > 400, `only ${mentions} repository URLs`);
  });

  it('ends a URL at a closing bracket that nothing opened, even with no space after it', () => {
    const text = 'ChatCoach (Our data and code are available online: https://github.com/zerowst/Chatcoach)differentiates itself';
    assert.deepEqual(extractLinks(text), [{ kind: 'code', url: 'https://github.com/zerowst/Chatcoach' }]);
  });
});

describe('extractLinks rules', () => {
  it('classifies Hugging Face URLs by path', () => {
    const text = [
      'https://huggingface.co/datasets/math-ai/AutoMathText.',
      'huggingface.co/datasets/squad',
      'https://huggingface.co/datasets/org/name/viewer/default/train',
      'https://hf.co/PowerInfer/SmallThinker-4BA0.6B-Instruct',
      'https://huggingface.co/org/model/tree/main/subdir',
      'https://huggingface.co/spaces/enclap-team/enclap',
      'https://huggingface.co/Segmind.',
      'https://huggingface.co/collections/mit-ei/vleo-benchmark',
      'https://huggingface.co/papers/2401.12345',
    ].join(' ');
    assert.deepEqual(extractLinks(text), [
      { kind: 'dataset', url: 'https://huggingface.co/datasets/math-ai/AutoMathText' },
      { kind: 'dataset', url: 'https://huggingface.co/datasets/squad' },
      { kind: 'dataset', url: 'https://huggingface.co/datasets/org/name' },
      { kind: 'model', url: 'https://huggingface.co/PowerInfer/SmallThinker-4BA0.6B-Instruct' },
      { kind: 'model', url: 'https://huggingface.co/org/model' },
      { kind: 'project', url: 'https://huggingface.co/spaces/enclap-team/enclap' },
      { kind: 'project', url: 'https://huggingface.co/Segmind' },
      { kind: 'project', url: 'https://huggingface.co/collections/mit-ei/vleo-benchmark' },
    ]);
  });

  it('normalizes code hosts', () => {
    const text = [
      '(see http://www.github.com/Owner/Repo.git),',
      'github.com/owner/repo#readme;', // the same repo: GitHub names are case-insensitive
      'github.com/owner/other/issues/12;',
      'https://github.com/facebookresearch',
      'https://github.com/',
      'https://gitlab.com/group/sub/project/-/tree/main',
      'https://gitlab.inria.fr/ffrancog/creattive3d-divr-model.',
      'https://bitbucket.org/team/tool/src/master/',
      'https://gist.github.com/user/abc123',
    ].join(' ');
    assert.deepEqual(extractLinks(text), [
      { kind: 'code', url: 'https://github.com/Owner/Repo' },
      { kind: 'code', url: 'https://github.com/owner/other' },
      { kind: 'code', url: 'https://github.com/facebookresearch' },
      { kind: 'code', url: 'https://gitlab.com/group/sub/project' },
      { kind: 'code', url: 'https://gitlab.inria.fr/ffrancog/creattive3d-divr-model' },
      { kind: 'code', url: 'https://bitbucket.org/team/tool' },
      { kind: 'code', url: 'https://gist.github.com/user/abc123' },
    ]);
  });

  it('skips arXiv and DOI links and keeps other pages as projects', () => {
    const text =
      'Extends https://arxiv.org/abs/2401.12345 (doi https://doi.org/10.1000/182, http://dx.doi.org/10.1063/1.4944470). ' +
      'Site: https://example.org/project/index.html#demo and www.cs.umass.edu/hazard/. ' +
      'Data: https://www.kaggle.com/datasets/owner/name/versions/2.';
    assert.deepEqual(extractLinks(text), [
      { kind: 'project', url: 'https://example.org/project/index.html' },
      { kind: 'project', url: 'https://www.cs.umass.edu/hazard/' },
      { kind: 'dataset', url: 'https://www.kaggle.com/datasets/owner/name' },
    ]);
  });

  it('trims punctuation but keeps balanced parentheses', () => {
    assert.deepEqual(extractLinks('(code: https://github.com/a/b).'), [{ kind: 'code', url: 'https://github.com/a/b' }]);
    assert.deepEqual(extractLinks('See https://en.wikipedia.org/wiki/Foo_(bar).'), [
      { kind: 'project', url: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
    ]);
    assert.deepEqual(extractLinks('"https://site.example/x",'), [{ kind: 'project', url: 'https://site.example/x' }]);
  });

  it('reads LaTeX escapes inside URLs', () => {
    assert.deepEqual(extractLinks('https://github.com/HelenMa9998/Selective\\_Uncertainty\\_AL.'), [
      { kind: 'code', url: 'https://github.com/HelenMa9998/Selective_Uncertainty_AL' },
    ]);
    assert.deepEqual(extractLinks('\\url{https://www.cs.x.edu/$\\sim$user/proj}'), [
      { kind: 'project', url: 'https://www.cs.x.edu/~user/proj' },
    ]);
    assert.deepEqual(extractLinks('$\\href{https://github.com/Eladlev/AutoPrompt}{here}$.'), [
      { kind: 'code', url: 'https://github.com/Eladlev/AutoPrompt' },
    ]);
  });

  it('ignores e-mail addresses and sub-domains that only look like code hosts', () => {
    assert.deepEqual(extractLinks('Contact me@github.com/x or api.github.com/repos/a/b.'), []);
    assert.deepEqual(extractLinks(''), []);
  });
});
