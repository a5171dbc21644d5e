/** The shared flag parsers: a bad value is an ArgumentError naming the flag, what it takes and what was given. */
import { ArgumentError } from '@quadranet/core';
import { describe, expect, it } from 'vitest';

import {
  imageSize, intAtLeast, intList, listOf, nonNegativeInt, nonNegativeNumber, numberIn, oneOf, positiveInt, positiveIntOr, positiveNumber,
} from '../src/arg-parsers.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ArgumentError);
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('flag parsers', () => {
  it('integers', () => {
    expect(positiveInt('--threads')('3')).toBe(3);
    expect(message(() => positiveInt('--threads')('-2'))).toBe('--threads must be ≥ 1, got -2');
    expect(message(() => positiveInt('--epochs')('abc'))).toBe('--epochs must be an integer ≥ 1, got "abc"');
    expect(message(() => positiveInt('--epochs')('2.5'))).toBe('--epochs must be an integer ≥ 1, got "2.5"');
    expect(message(() => positiveInt('--epochs')(''))).toBe('--epochs must be an integer ≥ 1, got ""');
    expect(nonNegativeInt('--limit')('0')).toBe(0);
    expect(message(() => nonNegativeInt('--limit')('-5'))).toBe('--limit must be ≥ 0, got -5');
    expect(message(() => intAtLeast('--runs', 20)('5'))).toBe('--runs must be ≥ 20, got 5');
  });

  it('numbers in a range', () => {
    expect(positiveNumber('--lr')('1e-3')).toBe(1e-3);
    expect(message(() => positiveNumber('--lr')('0'))).toBe('--lr must be > 0, got 0');
    expect(message(() => positiveNumber('--lr')('NaN'))).toBe('--lr must be a number, got "NaN"');
    expect(message(() => nonNegativeNumber('--warmup')('-1'))).toBe('--warmup must be ≥ 0, got -1');
    expect(message(() => numberIn('--drop-path', { min: 0, max: 1, maxExclusive: true })('1'))).toBe('--drop-path must be in [0, 1), got 1');
    expect(message(() => numberIn('--x', { max: 2 })('3'))).toBe('--x must be ≤ 2, got 3');
    expect(numberIn('--label-smoothing', { min: 0, max: 1 })('1')).toBe(1);
  });

  it('words and lists', () => {
    expect(oneOf('--stem', ['small', 'patch2'])('small')).toBe('small');
    expect(message(() => oneOf('--stem', ['small', 'patch2'])('big'))).toBe('--stem must be one of small, patch2, got "big"');
    expect(listOf('--peers', ['a', 'b'], { none: true })('none')).toEqual([]);
    expect(listOf('--peers', ['a', 'b'])('b,a')).toEqual(['b', 'a']);
    expect(message(() => listOf('--peers', ['a', 'b'], { none: true })('a,foo'))).toBe('--peers takes a comma-separated list of a, b (or none); got "foo"');
    expect(intList('--depths')('2,2,6,2')).toEqual([2, 2, 6, 2]);
    expect(message(() => intList('--depths')('2,x'))).toBe('--depths must be a comma-separated list of integers ≥ 0, got "2,x"');
  });

  it('an integer or a word, and an image size', () => {
    expect(positiveIntOr('--batch', 'dynamic')('8')).toBe(8);
    expect(positiveIntOr('--batch', 'dynamic')('dynamic')).toBe('dynamic');
    expect(message(() => positiveIntOr('--batch', 'dynamic')('-1'))).toBe('--batch must be a positive integer or dynamic, got "-1"');
    expect(message(() => positiveIntOr('--batch', 'dynamic')('2.5'))).toBe('--batch must be a positive integer or dynamic, got "2.5"');
    expect(imageSize('--size')('224')).toEqual([224, 224]);
    expect(imageSize('--size')('32x48')).toEqual([32, 48]);
    expect(message(() => imageSize('--size')('32x'))).toBe('--size must be a size S or HxW of positive integers, got "32x"');
    expect(message(() => imageSize('--size')('0'))).toBe('--size must be a size S or HxW of positive integers, got "0"');
  });
});
