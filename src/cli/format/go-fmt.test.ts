import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { formatArg, printValue, sprint, sprintf, sprintln } from './go-fmt.js';
import { formatFloat } from './go-float.js';
import { GO_STRUCT, GoFloat } from './go-value.js';

// Expected strings were printed by Go 1.24's fmt through `docker version --format '{{printf ...}}'`.
const FLOATS: [string, number, string][] = [
  ['%.2f', 0.125, '0.12'],
  ['%.2f', 0.375, '0.38'],
  ['%.0f', 2.5, '2'],
  ['%.0f', 3.5, '4'],
  ['%.1f', 0.25, '0.2'],
  ['%.1f', 0.35, '0.3'],
  ['%.3g', 1.125, '1.12'],
  ['%.3g', 999.5, '1e+03'],
  ['%.3g', 999999.0, '1e+06'],
  ['%v', 1e6, '1e+06'],
  ['%v', 123456.0, '123456'],
  ['%v', 0.0001, '0.0001'],
  ['%v', 0.00001, '1e-05'],
  ['%v', 1.7976931348623157e308, '1.7976931348623157e+308'],
  ['%v', 5e-324, '5e-324'],
  ['%e', 5e-324, '4.940656e-324'],
  ['%.20f', 0.1, '0.10000000000000000555'],
  ['%g', 100000.0, '100000'],
  ['%g', 1e21, '1e+21'],
  ['%G', 1e-7, '1E-07'],
  ['%#g', 1.0, '1.00000'],
  ['%#.3g', 100.0, '100.'],
  ['%#.0f', 3.0, '3.'],
  ['%+.3e', -0, '-0.000e+00'],
  ['%x', 1.0, '0x1p+00'],
  ['%X', -0.1, '-0X1.999999999999AP-04'],
  ['%08.3f', -3.14159, '-003.142'],
  ['% .2f', 2.0, ' 2.00'],
  ['%+v', 2.5, '2.5'],
  ['%10.3v|', 3.14159, '      3.14|'],
  ['%-10.1e|', 12345.678, '1.2e+04   |'],
  ['%.1f', 1e21, '1000000000000000000000.0'],
  ['%f', 1e21, '1000000000000000000000.000000'],
  ['%.3f', 1e-10, '0.000'],
  ['%5.0f|', 0.5, '    0|'],
  ['%.15g', 0.1, '0.1'],
  ['%.17g', 0.1, '0.10000000000000001'],
];

describe('float formatting', () => {
  it('matches Go digit for digit, rounding exact ties to even', () => {
    for (const [verb, x, want] of FLOATS) {
      assert.equal(sprintf(verb, [new GoFloat(x)]), want, `${verb} of ${x}`);
    }
  });

  it('differs from JavaScript where JavaScript rounds ties away from zero', () => {
    assert.equal((0.125).toFixed(2), '0.13');
    assert.equal(formatFloat(0.125, 'f', 2), '0.12');
    assert.equal(formatFloat(1125 / 1000, 'g', 3), '1.12');
  });

  it('prints infinities and NaN as Go does', () => {
    assert.equal(formatFloat(Infinity, 'g', -1), '+Inf');
    assert.equal(sprintf('%v|%5.1f|%+f|%+v', [-Infinity, NaN, NaN, NaN]), '-Inf|  NaN|+NaN|NaN');
  });
});

describe('sprintf', () => {
  it('complains about wrong verbs, missing and extra operands like Go', () => {
    assert.equal(sprintf('%d|%s|%t', ['x', 5, 1]), '%!d(string=x)|%!s(int=5)|%!t(int=1)');
    assert.equal(sprintf('%d %d', [1]), '1 %!d(MISSING)');
    assert.equal(sprintf('%d', [1, 'a', null]), '1%!(EXTRA string=a, <nil>)');
    assert.equal(sprintf('100%', []), '100%!(NOVERB)');
    assert.equal(sprintf('%s', [null]), '%!s(<nil>)');
    assert.equal(sprintf('%[2]s %[1]s %[3]s', ['a', 'b']), 'b a %!s(BADINDEX)');
  });

  it('pads by runes, and zero-pads strings as Go does', () => {
    assert.equal(sprintf('%5s|%-5s|%05s|%.2s', ['é', '日本', 'ab', 'héllo']), '    é|日本   |000ab|hé');
  });

  it('formats compound values element by element', () => {
    assert.equal(sprintf('%q', [['a', 'b']]), '["a" "b"]');
    assert.equal(sprintf('%d', [['a']]), '[%!d(string=a)]');
    assert.equal(sprintf('%x', [{ k: 'hi' }]), 'map[6b:6869]');
    assert.equal(sprintf('%v', [[null, undefined]]), '[<nil> <nil>]');
  });

  it('supports * widths and precisions', () => {
    assert.equal(sprintf('%*d|%-*d|%.*f|%.*d', [5, 1, 4, 2, 2, new GoFloat(3), -1, 5]), '    1|2   |3.00|%!(BADPREC)5');
  });
});

describe('value printing', () => {
  it('prints like fmt.Print, with <no value> for a missing value', () => {
    assert.equal(printValue(undefined), '<no value>');
    assert.equal(printValue(null), '<nil>');
    assert.equal(printValue({ b: [1, 2], a: 'x' }), 'map[a:x b:[1 2]]');
    assert.equal(printValue({ [GO_STRUCT]: 'T', b: 1, a: 'x' }), '{1 x}');
    assert.equal(formatArg(true, 'v'), 'true');
  });

  it('Sprint adds spaces only between two non-strings; Sprintln always', () => {
    assert.equal(sprint([1, 2, 'a', 'b', 3, null, true]), '1 2ab3 <nil> true');
    assert.equal(sprintln([1, 'a', 2]), '1 a 2\n');
  });
});
