/** The shared flag parsers: a bad value is an ArgumentError naming the flag, what it takes and what was given. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError } from '@quadranet/core';
import { afterAll, describe, expect, it } from 'vitest';

import {
  imageSize, inputDir, inputFile, intAtLeast, intList, listOf, nonNegativeInt, nonNegativeNumber, numberIn, oddInt, oneOf, outputDir, outputFile,
  positiveInt, positiveIntOr, positiveNumber,
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

  it('upper bounds and odd sizes', () => {
    expect(positiveInt('--epochs', 100)('100')).toBe(100);
    expect(message(() => positiveInt('--epochs', 100)('1e12'))).toBe('--epochs must be ≤ 100, got 1000000000000');
    expect(message(() => nonNegativeInt('--workers', 8)('9'))).toBe('--workers must be ≤ 8, got 9');
    expect(message(() => intAtLeast('--opset', 17, 21)('99'))).toBe('--opset must be ≤ 21, got 99');
    expect(message(() => intList('--depths', 0, 4)('2,5'))).toBe('--depths must be a comma-separated list of integers ≥ 0 and ≤ 4, got "2,5"');
    expect(message(() => positiveIntOr('--batch', 'dynamic', 64)('65'))).toBe('--batch must be ≤ 64, got 65');
    expect(message(() => imageSize('--size')('100000'))).toBe('--size must be at most 8192 pixels a side, got 100000x100000');
    expect(oddInt('--kernel-size', 63)('7')).toBe(7);
    expect(message(() => oddInt('--kernel-size', 63)('4'))).toBe('--kernel-size must be odd, got 4');
    expect(message(() => oddInt('--kernel-size', 63)('65'))).toBe('--kernel-size must be ≤ 63, got 65');
  });

  describe('files and folders', () => {
    const root = mkdtempSync(join(tmpdir(), 'quadra-arg-parsers-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    const file = join(root, 'f.txt');
    writeFileSync(file, 'x');

    it('inputs must exist and be of the right kind', () => {
      expect(inputFile('--weights')(file)).toBe(file);
      expect(message(() => inputFile('--weights')(join(root, 'no')))).toBe(`--weights ${join(root, 'no')}: no such file`);
      expect(message(() => inputFile('--weights')(root))).toBe(`--weights ${root}: is a directory, expected a file`);
      expect(inputDir('--data-dir')(root)).toBe(root);
      expect(message(() => inputDir('--data-dir')(join(root, 'no')))).toBe(`--data-dir ${join(root, 'no')}: no such directory`);
      expect(message(() => inputDir('--data-dir')(file))).toBe(`--data-dir ${file}: is a file, expected a directory`);
    });

    it("an output file's folder must exist; an output folder may be made, but not over a file", () => {
      expect(outputFile('--onnx')(join(root, 'm.onnx'))).toBe(join(root, 'm.onnx'));
      expect(message(() => outputFile('--onnx')(join(root, 'no', 'm.onnx')))).toBe(`--onnx ${join(root, 'no', 'm.onnx')}: the directory ${join(root, 'no')} does not exist`);
      expect(message(() => outputFile('--onnx')(join(file, 'm.onnx')))).toBe(`--onnx ${join(file, 'm.onnx')}: ${file} is not a directory`);
      expect(message(() => outputFile('--onnx')(root))).toBe(`--onnx ${root}: is a directory, expected a file name`);
      expect(outputDir('--out')(join(root, 'a', 'b'))).toBe(join(root, 'a', 'b'));
      expect(message(() => outputDir('--out')(file))).toBe(`--out ${file}: is a file, expected a directory`);
      expect(message(() => outputDir('--out')(join(file, 'sub')))).toBe(`--out ${join(file, 'sub')}: ${file} is a file, expected a directory`);
    });
  });
});
